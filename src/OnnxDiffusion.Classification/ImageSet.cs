using Microsoft.ML;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Classification;

/// <summary>
/// A labelled image set a classifier trains on or is tested on: either <see cref="LabeledImages"/> in memory or an
/// ImageFolder directory read through ML.NET ImageAnalytics. Both give the same features for the same pixels.
/// </summary>
public abstract class ImageSet
{
    private protected ImageSet(string name, int channels, int height, int width, IReadOnlyList<string> classNames, IReadOnlyList<int> labels)
    {
        Name = name;
        Channels = channels;
        Height = height;
        Width = width;
        ClassNames = classNames;
        Labels = labels;
    }

    /// <summary>Where the images come from, as used in messages and reports.</summary>
    public string Name { get; }

    /// <summary>Channels per image (1 = grey, 3 = RGB).</summary>
    public int Channels { get; }

    /// <summary>Image height (0 when the set is empty).</summary>
    public int Height { get; }

    /// <summary>Image width (0 when the set is empty).</summary>
    public int Width { get; }

    /// <summary>Class names in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Class index of each image, in the order features are read.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Count;

    /// <summary>An in-memory set.</summary>
    public static ImageSet FromMemory(LabeledImages images) => new InMemoryImageSet(images);

    /// <summary>
    /// An ImageFolder set, <c>root/&lt;class folder&gt;/*.png|jpg|jpeg</c>, listed now (image sizes from the file
    /// headers) and decoded when features are read. Files are ordered as <see cref="ImageFolderDataset.Load"/> orders them.
    /// </summary>
    /// <param name="root">The dataset folder.</param>
    /// <param name="channels">1 (grey; colour images are converted) or 3 (RGB).</param>
    /// <param name="classNames">Classes in label order, matched to folders by <see cref="ImageFolderWriter.FolderName"/>;
    /// a class may lack its folder. Null takes the sub-folders, sorted ordinally, as the classes.</param>
    /// <exception cref="DataFormatException">Missing root, a folder that is not a class, an unreadable image, mixed sizes.</exception>
    /// <exception cref="ClassificationException"><paramref name="channels"/> is not 1 or 3.</exception>
    public static ImageSet FromFolder(string root, int channels = 1, IReadOnlyList<string>? classNames = null) =>
        ImageFolderImageSet.Open(root, channels, classNames);

    /// <summary>Features of every image, in <see cref="Labels"/> order.</summary>
    internal abstract IEnumerable<FeatureRow> ReadFeatures(MLContext ml, PixelScaling scaling);

    /// <summary>The images themselves, in <see cref="Labels"/> order (for kinds that featurize pixels with a network).</summary>
    internal abstract LabeledImages Decode();

    /// <summary>"C×H×W", for messages.</summary>
    internal string ShapeText => $"{Channels}×{Height}×{Width}";

    /// <summary>The class list, for messages.</summary>
    internal string ClassListText => "[" + string.Join(", ", ClassNames) + "]";
}
