using OnnxDiffusion.Data;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

public class PixelFidelityTests
{
    private static LabeledImages Set(params byte[][] images) =>
        new(images.SelectMany(i => i).ToArray(), new int[images.Length], 1, 2, 2, ["a"], "test");

    [Fact]
    public void IdenticalImagesAreCappedAt100dB()
    {
        var s = Set([1, 2, 3, 4]);
        var r = PixelFidelityResult.Compute(s, s, [0]);
        Assert.Equal(0, r.Mse);
        Assert.Equal(100, r.Psnr);
    }

    [Fact]
    public void KnownErrorGivesKnownPsnr()
    {
        // One pixel of four off by 255: MSE = 1/4, PSNR = 10·log10(4) ≈ 6.0206 dB.
        var r = PixelFidelityResult.Compute(Set([255, 0, 0, 0]), Set([0, 0, 0, 0], [9, 9, 9, 9]), [0]);
        Assert.Equal(0.25, r.Mse, 12);
        Assert.Equal(10 * Math.Log10(4), r.Psnr, 9);
    }
}
