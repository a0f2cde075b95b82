namespace OnnxDiffusion.Metrics;

/// <summary>Anything that maps images to feature vectors (and optionally class logits) for the metrics.</summary>
public interface IFeatureExtractor : IDisposable
{
    /// <summary>D, the feature dimension.</summary>
    int FeatureDim { get; }

    /// <summary>Short description for reports (model name and sha or origin).</summary>
    string Description { get; }

    /// <summary>Identifies the feature space exactly (content hashes of the model files), so cached metrics follow a model change.</summary>
    string Fingerprint { get; }

    /// <summary>Features [N·D] and logits [N·K] (empty when the model is no classifier) of every image.</summary>
    (float[] Features, float[] Logits) Run(Data.LabeledImages images);
}

/// <summary>Opens a feature extractor by name: <c>resnet18</c> (ML.NET's frozen ImageNet ResNet18) or a model folder.</summary>
public static class FeatureExtractors
{
    /// <summary>The name that selects the frozen ResNet18.</summary>
    public const string ResNet18 = "resnet18";

    /// <summary>Opens <paramref name="nameOrDirectory"/>.</summary>
    public static IFeatureExtractor Open(string nameOrDirectory) =>
        string.Equals(nameOrDirectory, ResNet18, StringComparison.OrdinalIgnoreCase)
            ? new ResNet18FeatureExtractor()
            : new FeatureExtractor(nameOrDirectory);

    /// <summary>The channel count images should be loaded with for this extractor (null = any).</summary>
    public static int? Channels(IFeatureExtractor extractor) => extractor is FeatureExtractor f ? f.Manifest.Channels : null;

    /// <summary>The class names of the extractor's logits, if any.</summary>
    public static IReadOnlyList<string>? ClassNames(IFeatureExtractor extractor) =>
        extractor is FeatureExtractor f && f.Manifest.ClassNames.Count > 0 ? f.Manifest.ClassNames : null;
}
