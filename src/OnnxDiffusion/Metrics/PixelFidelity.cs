using OnnxDiffusion.Data;

namespace OnnxDiffusion.Metrics;

/// <summary>Pixel-space distance between reconstructions and their source images (values scaled to [0, 1]).</summary>
/// <param name="Mse">Mean squared error over all pixels of all pairs.</param>
/// <param name="Psnr">Mean over pairs of 10·log10(1 / MSE_pair) in dB; identical pairs are capped at 100 dB.</param>
public sealed record PixelFidelityResult(double Mse, double Psnr)
{
    /// <summary>Compares image i of <paramref name="fakes"/> with image <paramref name="sourceIndex"/>[i] of <paramref name="sources"/>.</summary>
    public static PixelFidelityResult Compute(LabeledImages fakes, LabeledImages sources, IReadOnlyList<int> sourceIndex)
    {
        if (fakes.ImageSize != sources.ImageSize)
            throw new DataFormatException($"{fakes.Source}: images differ in size from their sources {sources.Source}");
        double totalMse = 0, totalPsnr = 0;
        for (int i = 0; i < fakes.Count; i++)
        {
            var a = fakes.Image(i);
            var b = sources.Image(sourceIndex[i]);
            double se = 0;
            for (int p = 0; p < a.Length; p++)
            {
                double diff = (a[p] - b[p]) / 255.0;
                se += diff * diff;
            }
            double mse = se / a.Length;
            totalMse += mse;
            totalPsnr += mse == 0 ? 100 : Math.Min(100, 10 * Math.Log10(1 / mse));
        }
        return new PixelFidelityResult(totalMse / fakes.Count, totalPsnr / fakes.Count);
    }
}
