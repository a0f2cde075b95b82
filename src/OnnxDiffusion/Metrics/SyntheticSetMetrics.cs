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

    /// <summary>Kernel inception distance to the reference (unbiased MMD², cubic polynomial kernel; null in results made before it).</summary>
    [JsonPropertyName("kid")] public double? Kid { get; init; }

    /// <summary>Standard error of <see cref="Kid"/>: the sd of its subset estimates.</summary>
    [JsonPropertyName("kid_se")] public double? KidStandardError { get; init; }

    /// <summary>KID subset size m (torch-fidelity's 1,000, capped by the smaller set).</summary>
    [JsonPropertyName("kid_subset_size")] public int? KidSubsetSize { get; init; }

    /// <summary>Number of KID subsets (torch-fidelity's 100).</summary>
    [JsonPropertyName("kid_subsets")] public int? KidSubsets { get; init; }

    /// <summary>Vendi score of the set (cosine similarity, q = 1): its effective number of distinct samples.</summary>
    [JsonPropertyName("vendi")] public double? Vendi { get; init; }

    /// <summary>Share of reconstructions whose nearest real image among the sources is their own source (reconstructions only).</summary>
    [JsonPropertyName("source_rank1_share")] public double? SourceRankOneShare { get; init; }

    /// <summary>Median rank of each reconstruction's own source among the sources (reconstructions only).</summary>
    [JsonPropertyName("source_median_rank")] public double? SourceMedianRank { get; init; }

    /// <summary>Real images ranked for source identifiability: the set's distinct sources (reconstructions only).</summary>
    [JsonPropertyName("source_pool")] public int? SourcePool { get; init; }

    /// <summary>
    /// Share of the set's images nearer their nearest training image than that image is to its own nearest other training
    /// image (<see cref="MemorisationReference"/>; null when no training features were given).
    /// </summary>
    [JsonPropertyName("copy_share")] public double? CopyShare { get; init; }

    /// <summary>Median of d(image, nearest training image) ÷ that training image's nearest-other-neighbour distance.</summary>
    [JsonPropertyName("copy_median_ratio")] public double? CopyMedianRatio { get; init; }

    /// <summary>Training images searched for the copy check.</summary>
    [JsonPropertyName("copy_pool")] public int? CopyPool { get; init; }

    /// <summary>
    /// The copy share of a real reference set of the same size that was not trained on (the CLI's: a class-balanced draw of
    /// the real set; in the experiment the real row plays this part).
    /// </summary>
    [JsonPropertyName("copy_share_reference")] public double? CopyShareReference { get; init; }

    /// <summary>Precision / recall / density / coverage of each class against the same class's real images (null in results made before it).</summary>
    [JsonPropertyName("per_class")] public IReadOnlyList<ClassPrdc>? PerClass { get; init; }

    /// <summary>k of the k-NN radii.</summary>
    [JsonPropertyName("k")] public int K { get; init; }

    /// <summary>Real samples per P/R/D/C comparison (the draw size with equal-size draws, else the whole reference).</summary>
    [JsonPropertyName("n_real")] public int NReal { get; init; }

    /// <summary>Fake samples per P/R/D/C comparison.</summary>
    [JsonPropertyName("n_fake")] public int NFake { get; init; }

    /// <summary>Real samples behind the Fréchet distance and the mode measures (the whole reference).</summary>
    [JsonPropertyName("n_reference")] public int NReference { get; init; }

    /// <summary>Equal-size real draws P/R/D/C are averaged over (0 = one comparison with the whole reference).</summary>
    [JsonPropertyName("draws")] public int Draws { get; init; }

    /// <summary>Sample sd of P/R/D/C over the draws (null with fewer than two draws).</summary>
    [JsonPropertyName("prdc_draw_sd")] public PrdcResult? PrdcDrawSd { get; init; }

    /// <summary>Warnings (e.g. fewer samples than feature dimensions).</summary>
    [JsonPropertyName("warnings")] public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// Extracts features of both sets and computes every metric. <paramref name="sourceIndex"/> (the real index
    /// each fake was reconstructed from, into <paramref name="real"/>) enables PSNR/MSE.
    /// </summary>
    public static SyntheticSetMetrics Compute(IFeatureExtractor extractor, LabeledImages real, LabeledImages fake, int k = 5,
        IReadOnlyList<int>? sourceIndex = null) =>
        Compute(extractor, new RealReference(extractor, real, k), fake, sourceIndex);

    /// <summary>
    /// Computes every metric of <paramref name="fake"/> against a prepared real reference. With <paramref name="draws"/>,
    /// precision / recall / density / coverage are the means over equal-size draws of the reference (the fake set is
    /// subsampled class-balanced to the draw size when it is larger); the Fréchet distance and the mode measures always
    /// use the whole reference. With <paramref name="memorisation"/> (training features), the copy check runs, leaving out
    /// image i's own training image <paramref name="selfInTrain"/>[i] when the set is drawn from the training split.
    /// </summary>
    public static SyntheticSetMetrics Compute(IFeatureExtractor extractor, RealReference reference, LabeledImages fake,
        IReadOnlyList<int>? sourceIndex = null, LabeledImages? sources = null, ReferenceDraws? draws = null,
        MemorisationReference? memorisation = null, IReadOnlyList<int>? selfInTrain = null)
    {
        var (ff, fl) = extractor.Run(fake);
        int d = reference.Features.Dimension, k = reference.K;
        var warnings = new List<string>();
        var fs = GaussianStats.Of(ff, d);
        foreach (var (name, s) in new[] { ("real", reference.Stats), ("fake", fs) })
            if (FrechetDistance.TooFewSamples(s))
                warnings.Add($"{name} set has {s.Count} samples, fewer than the feature dimension {s.Dimension}: Fréchet distance is unreliable");
        var fakeSet = new FeatureSet(ff, d);
        var (prdc, spread, nReal, nFake) = draws is null
            ? (PrdcResult.Compute(reference.Features, reference.SquaredRadii, fakeSet, k), null, reference.Features.Count, fakeSet.Count)
            : OverDraws(draws, fake, fakeSet, k);
        var modes = ModeConcentrationResult.Compute(reference.Features, reference.Images.Labels, fakeSet, fake.Labels);
        var pixel = sourceIndex is null ? null : PixelFidelityResult.Compute(fake, sources ?? reference.Images, sourceIndex);
        var kid = KidResult.Compute(reference.Kid, fakeSet, fake.Labels);
        var identity = sourceIndex is null ? null : Identifiability(extractor, fakeSet, sources ?? reference.Images, sourceIndex);
        var copies = memorisation?.Compute(fakeSet, selfInTrain);
        return new SyntheticSetMetrics
        {
            Fd = FrechetDistance.Compute(reference.Stats, fs),
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
            Kid = kid.Kid,
            KidStandardError = kid.StandardError,
            KidSubsetSize = kid.SubsetSize,
            KidSubsets = kid.Subsets,
            Vendi = VendiScore.Compute(fakeSet),
            SourceRankOneShare = identity?.RankOneShare,
            SourceMedianRank = identity?.MedianRank,
            SourcePool = identity?.PoolSize,
            CopyShare = copies?.CopyShare,
            CopyMedianRatio = copies?.MedianDistanceRatio,
            CopyPool = copies?.Pool,
            PerClass = ClassPrdc.Compute(reference, fakeSet, fake, draws),
            K = k,
            NReal = nReal,
            NFake = nFake,
            NReference = reference.Images.Count,
            Draws = draws?.Draws.Count ?? 0,
            PrdcDrawSd = spread,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// Source identifiability against the set's distinct sources: a reconstructed set is one image per real image of the
    /// replicate's subset, so its sources are that subset.
    /// </summary>
    private static SourceIdentifiabilityResult Identifiability(IFeatureExtractor extractor, FeatureSet fakeSet, LabeledImages sources, IReadOnlyList<int> sourceIndex)
    {
        var distinct = sourceIndex.Distinct().Order().ToArray();
        var position = new Dictionary<int, int>(distinct.Length);
        for (int i = 0; i < distinct.Length; i++)
            position[distinct[i]] = i;
        var (pf, _) = extractor.Run(Pick(sources, distinct));
        return SourceIdentifiabilityResult.Compute(fakeSet, new FeatureSet(pf, fakeSet.Dimension), sourceIndex.Select(s => position[s]).ToArray());
    }

    private static LabeledImages Pick(LabeledImages images, int[] indices)
    {
        var pixels = new byte[indices.Length * images.ImageSize];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            images.Image(indices[i]).CopyTo(pixels.AsSpan(i * images.ImageSize, images.ImageSize));
            labels[i] = images.Labels[indices[i]];
        }
        return new LabeledImages(pixels, labels, images.Channels, images.Height, images.Width, images.ClassNames, images.Source);
    }

    private static (PrdcResult Mean, PrdcResult? Sd, int NReal, int NFake) OverDraws(ReferenceDraws draws, LabeledImages fake, FeatureSet fakeSet, int k)
    {
        var results = new List<PrdcResult>(draws.Draws.Count);
        int nFake = 0;
        // The whole fake set's radii serve every draw it is compared with whole; a draw object met again (the same set) gives
        // the same comparison.
        double[]? wholeFakeRadii = null;
        var seen = new Dictionary<object, PrdcResult>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < draws.Draws.Count; i++)
        {
            var draw = draws.Draws[i];
            if (fake.Count > draw.Indices.Length)
            {
                var side = fakeSet.Subset(ClassBalancedSubset.Select(fake, draws.PerClass, ReferenceDraws.DrawSeed(draws.Seed, i)));
                nFake = side.Count;
                results.Add(PrdcResult.Compute(draw.Features, draw.SquaredRadii, side, k));
                continue;
            }
            nFake = fakeSet.Count;
            if (!seen.TryGetValue(draw, out var result))
                seen[draw] = result = PrdcResult.Compute(draw.Features, draw.SquaredRadii, fakeSet, wholeFakeRadii ??= fakeSet.KthNeighbourSquaredRadii(k), k);
            results.Add(result);
        }
        PrdcResult Pick(Func<IEnumerable<double>, double> f) => new(
            f(results.Select(r => r.Precision)), f(results.Select(r => r.Recall)),
            f(results.Select(r => r.Density)), f(results.Select(r => r.Coverage)));
        var mean = Pick(xs => xs.Average());
        PrdcResult? sd = results.Count < 2 ? null : Pick(xs =>
        {
            var v = xs.ToArray();
            double m = v.Average();
            return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1));
        });
        return (mean, sd, draws.Draws[0].Indices.Length, nFake);
    }
}

/// <summary>
/// The real side of the metrics, computed once and reused for every synthetic set: features, their Gaussian
/// fit and the k-NN radii (the O(N²) part).
/// </summary>
public sealed class RealReference
{
    /// <summary>Extracts and prepares the real set.</summary>
    public RealReference(IFeatureExtractor extractor, LabeledImages real, int k = 5)
    {
        if (k < 1)
            throw new ArgumentOutOfRangeException(nameof(k), k, "k must be ≥ 1");
        var (rf, _) = extractor.Run(real);
        Images = real;
        K = k;
        Features = new FeatureSet(rf, extractor.FeatureDim);
        Stats = GaussianStats.Of(rf, extractor.FeatureDim);
        _radii = new Lazy<double[]>(() => Features.KthNeighbourSquaredRadii(k));
        _kid = new Lazy<KidReference>(() => new KidReference(Features, real.Labels));
    }

    private readonly Lazy<KidReference> _kid;

    /// <summary>The KID side of the reference (subsets and their kernel sums, made on first use).</summary>
    public KidReference Kid => _kid.Value;

    // The O(N²) part, needed only when P/R/D/C compare with the whole reference rather than with equal-size draws.
    private readonly Lazy<double[]> _radii;

    /// <summary>The real images.</summary>
    public LabeledImages Images { get; }

    /// <summary>k of the radii.</summary>
    public int K { get; }

    /// <summary>Their features.</summary>
    public FeatureSet Features { get; }

    /// <summary>Gaussian fit of the features.</summary>
    public GaussianStats Stats { get; }

    /// <summary>Squared k-NN radii of the real features (self excluded).</summary>
    public double[] SquaredRadii => _radii.Value;
}
