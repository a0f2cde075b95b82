using OnnxDiffusion.Data;
using OnnxDiffusion.Imaging;

namespace OnnxDiffusion.Tests.Data;

/// <summary>The dataset-format registry, channel conversion, resizing and pixel ranges.</summary>
public class DatasetFormatsTests
{
    private static string Byom(params string[] parts) => RepoPaths.Combine(["tests", "fixtures", "byom", .. parts]);

    [Fact]
    public void TheRegistryPicksIdxThenImageFolder()
    {
        var idx = DatasetLoader.Load(RepoPaths.Combine("data", "fashion-mnist"), new DatasetRequest("test", 1));
        Assert.Equal((1, 28, 10_000), (idx.Channels, idx.Height, idx.Count));
        var folder = DatasetLoader.Load(Byom("data-rgb16"), new DatasetRequest("train", 3));
        Assert.Equal((3, 16, 72), (folder.Channels, folder.Height, folder.Count));
        Assert.Equal(["circle", "square", "stripes"], folder.ClassNames);
    }

    private sealed class ConstantFormat : IDatasetFormat
    {
        public string Name => "constant";

        public bool Recognizes(string directory, string split) => File.Exists(Path.Combine(directory, "constant.txt"));

        public LabeledImages Load(string directory, DatasetRequest request) =>
            new(new byte[2 * request.Channels * 4], [0, 1], request.Channels, 2, 2, ["a", "b"], directory);
    }

    [Fact]
    public void AThirdFormatIsOneClassInTheList()
    {
        string dir = Directory.CreateTempSubdirectory("constant").FullName;
        File.WriteAllText(Path.Combine(dir, "constant.txt"), "");
        var set = DatasetLoader.Load(dir, new DatasetRequest("train", 3), [new ConstantFormat(), .. DatasetLoader.Formats]);
        Assert.Equal((2, 3), (set.Count, set.Channels));
        var ex = Assert.Throws<DataFormatException>(() => DatasetLoader.Load(Path.Combine(dir, "missing"), new DatasetRequest("train", 1)));
        Assert.Contains("missing: dataset folder not found", ex.Message);
    }

    [Fact]
    public void GreyBecomesRgbByReplicationAndRgbGreyByLuma()
    {
        var grey = DatasetLoader.Load(RepoPaths.Combine("data", "fashion-mnist"), new DatasetRequest("test", 1));
        var rgb = DatasetLoader.Load(RepoPaths.Combine("data", "fashion-mnist"), new DatasetRequest("test", 3));
        int plane = 28 * 28;
        for (int i = 0; i < 5; i++)
            for (int c = 0; c < 3; c++)
                Assert.True(grey.Image(i).SequenceEqual(rgb.Image(i).Slice(c * plane, plane)));
        var colour = new LabeledImages([200, 10, 30, 40, 50, 60], [0], 3, 1, 2, ["a"], "t");
        var luma = ChannelConversion.To(colour, 1);
        // planar R = [200, 10], G = [30, 40], B = [50, 60]: 0.299 R + 0.587 G + 0.114 B = 83.11 and 33.31.
        Assert.Equal([83, 33], luma.Pixels);
    }

    [Fact]
    public void ResizingKeepsAConstantImageConstantAndAGradientMonotonic()
    {
        var px = new byte[2 * 4 * 4];
        Array.Fill(px, (byte)90, 0, 16);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
                px[16 + y * 4 + x] = (byte)(40 * x + 20);
        var set = new LabeledImages(px, [0, 0], 1, 4, 4, ["a"], "t");
        var big = ImageResizer.Apply(set, 8);
        Assert.Equal((8, 8), (big.Height, big.Width));
        Assert.Equal("resized 4×4 → 8×8 (SkiaSharp bilinear)", big.Resized);
        Assert.All(big.Image(0).ToArray(), v => Assert.Equal(90, v));
        var g = big.Image(1);
        for (int y = 0; y < 8; y++)
            for (int x = 1; x < 8; x++)
                Assert.True(g[y * 8 + x] >= g[y * 8 + x - 1], $"row {y}: {g[y * 8 + x - 1]} then {g[y * 8 + x]}");
        Assert.Same(set, ImageResizer.Apply(set, 4));
        Assert.Same(set, ImageResizer.Apply(set, null));
    }

    [Fact]
    public void AnImageFolderIsResizedOnRequestAndOnlyThen()
    {
        var asIs = DatasetLoader.Load(Byom("data-rgb16"), new DatasetRequest("test", 3));
        Assert.Null(asIs.Resized);
        var same = DatasetLoader.Load(Byom("data-rgb16"), new DatasetRequest("test", 3, Size: 16));
        Assert.Null(same.Resized);
        Assert.Equal(asIs.Pixels, same.Pixels);
        var up = DatasetLoader.Load(Byom("data-rgb16"), new DatasetRequest("test", 3, Size: 32));
        Assert.Equal((32, 32, asIs.Count), (up.Height, up.Width, up.Count));
        Assert.Equal("resized 16×16 → 32×32 (SkiaSharp bilinear)", up.Resized);
        Assert.Equal(asIs.Labels, up.Labels);
    }

    [Fact]
    public void TheDefaultPixelRangeIsTheLegacyArithmeticBitForBit()
    {
        var r = PixelRange.MinusOneToOne;
        for (int b = 0; b < 256; b++)
        {
            float legacy = b / 127.5f - 1f;
            Assert.Equal(BitConverter.SingleToInt32Bits(legacy), BitConverter.SingleToInt32Bits(r.ToModel((byte)b)));
            Assert.Equal((byte)Math.Clamp((int)MathF.Round((legacy + 1f) * 127.5f), 0, 255), r.ToByte(legacy));
        }
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(-1.0, 1.0)]
    [InlineData(-0.5, 2.0)]
    public void EveryByteRoundTripsThroughAPixelRange(double low, double high)
    {
        var r = new PixelRange(low, high);
        Assert.Equal((float)low, r.ToModel(0));
        Assert.Equal(high, r.ToModel(255), 1e-6);
        for (int b = 0; b < 256; b++)
            Assert.Equal(b, r.ToByte(r.ToModel((byte)b)));
        Assert.Equal(0, r.ToByte((float)low - 5));
        Assert.Equal(255, r.ToByte((float)high + 5));
    }
}
