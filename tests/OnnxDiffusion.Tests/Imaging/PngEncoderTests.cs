using OnnxDiffusion.Data;
using OnnxDiffusion.Imaging;

namespace OnnxDiffusion.Tests.Imaging;

public class PngEncoderTests
{
    [Theory]
    [InlineData(1, 28, 28)]
    [InlineData(3, 17, 5)]
    [InlineData(1, 1, 1)]
    public void RoundTripsThroughAnIndependentDecoderExactly(int channels, int width, int height)
    {
        var rng = new Random(channels * 1000 + width);
        var interleaved = new byte[width * height * channels];
        rng.NextBytes(interleaved);
        string path = Path.Combine(Directory.CreateTempSubdirectory("png").FullName, "x.png");
        File.WriteAllBytes(path, PngEncoder.Encode(interleaved, width, height, channels));
        var (planar, w, h) = ImageFolderDataset.Decode(path, channels);
        Assert.Equal((width, height), (w, h));
        for (int i = 0; i < width * height; i++)
            for (int c = 0; c < channels; c++)
                Assert.Equal(interleaved[i * channels + c], planar[c * width * height + i]);
    }

    [Fact]
    public void SamePixelsGiveSameBytes()
    {
        var px = Enumerable.Range(0, 784).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal(PngEncoder.Encode(px, 28, 28, 1), PngEncoder.Encode(px, 28, 28, 1));
    }

    [Fact]
    public void ModelRangeMapsToBytesWithRounding()
    {
        Assert.Equal(0, LabeledImages.ToByte(-1f));
        Assert.Equal(255, LabeledImages.ToByte(1f));
        Assert.Equal(128, LabeledImages.ToByte(0.0039f));
        Assert.Equal(0, LabeledImages.ToByte(-7f));
        // Every byte survives byte → model range → byte.
        for (int b = 0; b < 256; b++)
            Assert.Equal(b, LabeledImages.ToByte(b / 127.5f - 1f));
    }
}
