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

    /// <summary>
    /// The encoder's bytes are pinned: manifests record each PNG's SHA-256 and resumes, merges and metrics compare against
    /// it, so any change in filter, compression level or chunk layout would make every set written before look damaged.
    /// </summary>
    [Theory]
    [InlineData(1, 28, 28, "a9d15183a1d49d537dee64994ebfc1e1d0c0529a5c3315853b731d10bedb8c12")]
    [InlineData(3, 17, 5, "293b58c94b3e29614343e30906eb60d41bbd8d04ba06db733da5b7effa848ced")]
    public void TheBytesArePinned(int channels, int width, int height, string sha256)
    {
        var px = Enumerable.Range(0, width * height * channels).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal(sha256, Sha256.Hex(PngEncoder.Encode(px, width, height, channels)));
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
