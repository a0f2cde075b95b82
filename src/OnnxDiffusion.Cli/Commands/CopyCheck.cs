using OnnxDiffusion.Data;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Cli.Commands;

/// <summary>
/// The <c>metrics</c> command's copy check: the training split's features as the pool, and the same statistic for a
/// class-balanced draw of the real set as its reference line.
/// </summary>
internal sealed class CopyCheck(MemorisationReference reference, string realSplit, string trainSplit)
{
    /// <summary>The training features and their neighbour cache.</summary>
    public MemorisationReference Reference { get; } = reference;

    /// <summary>Loads and embeds <paramref name="trainSplit"/> of <paramref name="realDir"/> (the real split's images when they are the same split); null for 'none'.</summary>
    public static CopyCheck? Open(IFeatureExtractor extractor, string realDir, string realSplit, string trainSplit, LabeledImages realSet, int channels)
    {
        if (string.Equals(trainSplit, "none", StringComparison.OrdinalIgnoreCase))
            return null;
        var train = trainSplit == realSplit ? realSet : DatasetLoader.Load(realDir, trainSplit, channels, extractor.ClassNames);
        var (features, _) = extractor.Run(train);
        return new CopyCheck(new MemorisationReference(new FeatureSet(features, extractor.FeatureDim)), realSplit, trainSplit);
    }

    /// <summary>
    /// The copy share of the first equal-size draw of the real reference (the draw P/R/D/C's first draw uses). Drawn from
    /// the training split itself, each image is left out of the pool for its own test.
    /// </summary>
    public double ReferenceShare(RealReference real, int perClass)
    {
        var indices = ClassBalancedSubset.Select(real.Images, perClass, ReferenceDraws.DrawSeed(0, 0));
        return Reference.Compute(real.Features.Subset(indices), realSplit == trainSplit ? indices : null).CopyShare;
    }
}
