using System.Text.Json.Serialization;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Metrics;

/// <summary>
/// Everything measured about one synthetic set against the real distribution, with the JSON names the CLI
/// and results.json use.
/// </summary>
public sealed record SyntheticSetMetrics
{
    /// <summary>Fréchet distance in the feature space.</summary>
    [JsonPropertyName("fd")] public double Fd { get; init; }

    /// <summary>Naeem et al. precision.</summary>
    [JsonPropertyName("precision")] public double Precision { get; init; }

    /// <summary>Naeem et al. recall.</summary>
    [JsonPropertyName("recall")] public double Recall { get; init; }

    /// <summary>Naeem et al. density.</summary>
    [JsonPropertyName("density")] public double Density { get; init; }

    /// <summary>Naeem et al. coverage.</summary>
    [JsonPropertyName("coverage")] public double Coverage { get; init; }

    /// <summary>Fake ÷ real mean distance to the class centroid.</summary>
    [JsonPropertyName("centroid_distance_ratio")] public double CentroidDistanceRatio { get; init; }

    /// <summary>Share of fakes beyond their class's real 90th distance percentile.</summary>
    [JsonPropertyName("outer_decile_share")] public double OuterDecileShare { get; init; }

    /// <summary>Shares of fakes in ten distance-percentile bins.</summary>
    [JsonPropertyName("percentile_histogram")] public double[] PercentileHistogram { get; init; } = [];

    /// <summary>Feature model's accuracy on the fakes' intended labels (null without logits).</summary>
    [JsonPropertyName("label_fidelity")] public double? LabelFidelity { get; init; }

    /// <summary>Mean PSNR to the source images in dB (reconstructions only).</summary>
    [JsonPropertyName("psnr")] public double? Psnr { get; init; }

    /// <summary>Mean squared pixel error to the source images, pixels in [0,1] (reconstructions only).</summary>
    [JsonPropertyName("mse")] public double? Mse { get; init; }

    /// <summary>k of the k-NN radii.</summary>
    [JsonPropertyName("k")] public int K { get; init; }

    /// <summary>Real samples used.</summary>
    [JsonPropertyName("n_real")] public int NReal { get; init; }

    /// <summary>Fake samples used.</summary>
    [JsonPropertyName("n_fake")] public int NFake { get; init; }

    /// <summary>Warnings (e.g. fewer samples than feature dimensions).</summary>
    [JsonPropertyName("warnings")] public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// Extracts features of both sets and computes every metric. <paramref name="sourceIndex"/> (the real index
    /// each fake was reconstructed from, into <paramref name="real"/>) enables PSNR/MSE.
    /// </summary>
    public static SyntheticSetMetrics Compute(FeatureExtractor extractor, LabeledImages real, LabeledImages fake, int k = 5,
        IReadOnlyList<int>? sourceIndex = null)
    {
        var (rf, _) = extractor.Run(real);
        var (ff, fl) = extractor.Run(fake);
        int d = extractor.Manifest.FeatureDim;
        var warnings = new List<string>();
        var rs = GaussianStats.Of(rf, d);
        var fs = GaussianStats.Of(ff, d);
        foreach (var (name, s) in new[] { ("real", rs), ("fake", fs) })
            if (FrechetDistance.TooFewSamples(s))
                warnings.Add($"{name} set has {s.Count} samples, fewer than the feature dimension {s.Dimension}: Fréchet distance is unreliable");
        var realSet = new FeatureSet(rf, d);
        var fakeSet = new FeatureSet(ff, d);
        var prdc = PrdcResult.Compute(realSet, fakeSet, k);
        var modes = ModeConcentrationResult.Compute(realSet, real.Labels, fakeSet, fake.Labels);
        var pixel = sourceIndex is null ? null : PixelFidelityResult.Compute(fake, real, sourceIndex);
        return new SyntheticSetMetrics
        {
            Fd = FrechetDistance.Compute(rs, fs),
            Precision = prdc.Precision,
            Recall = prdc.Recall,
            Density = prdc.Density,
            Coverage = prdc.Coverage,
            CentroidDistanceRatio = modes.CentroidDistanceRatio,
            OuterDecileShare = modes.OuterDecileShare,
            PercentileHistogram = modes.PercentileHistogram,
            LabelFidelity = fl.Length > 0 ? FeatureExtractor.Accuracy(fl, fake.Labels) : null,
            Psnr = pixel?.Psnr,
            Mse = pixel?.Mse,
            K = k,
            NReal = real.Count,
            NFake = fake.Count,
            Warnings = warnings,
        };
    }
}
