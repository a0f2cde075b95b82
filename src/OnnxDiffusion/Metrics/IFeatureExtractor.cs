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

    /// <summary>Channels of the images it takes, or null when it converts any (e.g. grey to RGB).</summary>
    int? InputChannels => null;

    /// <summary>Height and width of the images it takes, or null when it resizes any.</summary>
    int? InputSize => null;

    /// <summary>The class names of its logits, or null when it has none.</summary>
    IReadOnlyList<string>? ClassNames => null;

    /// <summary>Whether it takes images of this shape as they are.</summary>
    bool Accepts(int channels, int size) => (InputChannels ?? channels) == channels && (InputSize ?? size) == size;
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

    /// <summary>The name that lets the data choose: the preferred feature model when it takes the data's images, else ResNet18.</summary>
    public const string Auto = "auto";

    /// <summary>
    /// Opens <paramref name="nameOrDirectory"/>; for <see cref="Auto"/>, the <paramref name="preferred"/> folder when it takes
    /// <paramref name="channels"/>×<paramref name="size"/>² images as they are, else ResNet18 (which takes any). The note says
    /// what auto chose and why (null when nothing was chosen).
    /// </summary>
    public static (IFeatureExtractor Extractor, string? Note) Open(string nameOrDirectory, string? preferred, int channels, int size)
    {
        if (!string.Equals(nameOrDirectory, Auto, StringComparison.OrdinalIgnoreCase))
            return (Open(nameOrDirectory), null);
        if (preferred is null)
            return (new ResNet18FeatureExtractor(), "features auto: no preferred feature model, so the metrics use ResNet18 (ImageNet)");
        var first = Open(preferred);
        if (first.Accepts(channels, size))
            return (first, null);
        string why = $"features auto: {Path.GetFileName(Path.GetFullPath(preferred).TrimEnd('/'))} takes {first.InputChannels}×{first.InputSize}×{first.InputSize} images, " +
                     $"the data is {channels}×{size}×{size}, so the metrics use ResNet18 (ImageNet); pass --features to choose";
        first.Dispose();
        return (new ResNet18FeatureExtractor(), why);
    }
}
