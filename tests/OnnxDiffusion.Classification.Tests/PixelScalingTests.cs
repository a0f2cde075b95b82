using System.Text.Json;
using OnnxDiffusion.Imaging;

namespace OnnxDiffusion.Classification.Tests;

/// <summary>The classifier's pixel scaling from the one pixel-range type, and its names in option files.</summary>
public class PixelScalingTests
{
    [Fact]
    public void TheNamedRangesScaleExactlyAsTheLiteralsEarlierReleasesUsed()
    {
        Assert.Equal(new PixelScaling(0f, 1f / 255f), PixelScaling.For(PixelRange.ZeroToOne));
        Assert.Equal(new PixelScaling(127.5f, 1f / 127.5f), PixelScaling.For(PixelRange.MinusOneToOne));
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(-1.0, 1.0)]
    [InlineData(0.5, 2.0)]
    [InlineData(-3.0, -1.0)]
    public void ByteZeroMapsToLowAndByte255ToHigh(double low, double high)
    {
        var s = PixelScaling.For(new PixelRange(low, high));
        Assert.Equal(low, s.Apply(0), 1e-6);
        Assert.Equal(high, s.Apply(255), 1e-6);
    }

    [Theory]
    [InlineData("\"zero_to_one\"", 0.0, 1.0)]
    [InlineData("\"minus_one_to_one\"", -1.0, 1.0)]
    [InlineData("[0.5,2]", 0.5, 2.0)]
    public void OptionFilesNameTheRangeAndRoundTrip(string json, double low, double high)
    {
        var options = JsonSerializer.Deserialize<ClassifierOptions>($$"""{"pixel_range": {{json}}}""")!;
        Assert.Equal(new PixelRange(low, high), options.PixelRange);
        Assert.Contains($"\"pixel_range\":{json}", JsonSerializer.Serialize(options));
    }

    [Theory]
    [InlineData("\"zero-to-one\"", "pixel_range 'zero-to-one'")]
    [InlineData("[1, 0]", "finite low < high")]
    [InlineData("[0]", "[low, high]")]
    public void ABadRangeNamesTheKey(string json, string expected)
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ClassifierOptions>($$"""{"pixel_range": {{json}}}"""));
        Assert.Contains(expected, e.Message);
    }
}
