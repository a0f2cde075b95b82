namespace OnnxDiffusion.Data;

/// <summary>What to load from a dataset folder.</summary>
/// <param name="Split">train or test.</param>
/// <param name="Channels">Channels to load the images with (1 = grey, 3 = RGB; other counts are converted).</param>
/// <param name="ClassNames">Expected classes in label order, or null to take the folder's own.</param>
/// <param name="Size">Resize every image that is not Size×Size to Size×Size (SkiaSharp bilinear; non-square images are
/// stretched, not cropped); null loads images as they are.</param>
public sealed record DatasetRequest(string Split, int Channels, IReadOnlyList<string>? ClassNames = null, int? Size = null);

/// <summary>One on-disk dataset format. A new format is one class implementing this plus one entry in <see cref="DatasetLoader.Formats"/>.</summary>
public interface IDatasetFormat
{
    /// <summary>The format's name in messages.</summary>
    string Name { get; }

    /// <summary>Whether <paramref name="directory"/> holds this format for <paramref name="split"/>.</summary>
    bool Recognizes(string directory, string split);

    /// <summary>Loads the split.</summary>
    /// <exception cref="DataFormatException">Missing or malformed files (named).</exception>
    LabeledImages Load(string directory, DatasetRequest request);
}

/// <summary>MNIST-family IDX files (see <see cref="IdxDataset"/>).</summary>
public sealed class IdxFormat : IDatasetFormat
{
    /// <inheritdoc />
    public string Name => "IDX (train-images-idx3-ubyte[.gz], …)";

    /// <inheritdoc />
    public bool Recognizes(string directory, string split)
    {
        string prefix = split is "test" or "t10k" ? "t10k" : "train";
        return File.Exists(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz")) ||
               File.Exists(Path.Combine(directory, $"{prefix}-images-idx3-ubyte"));
    }

    /// <inheritdoc />
    public LabeledImages Load(string directory, DatasetRequest request) =>
        ImageResizer.Apply(ChannelConversion.To(IdxDataset.Load(directory, request.Split), request.Channels), request.Size);
}

/// <summary>torchvision's ImageFolder tree (see <see cref="ImageFolderDataset"/>): the folder itself, or its split sub-folder.</summary>
public sealed class ImageFolderFormat : IDatasetFormat
{
    /// <inheritdoc />
    public string Name => "ImageFolder (<root>[/<split>]/<class>/*.png|jpg)";

    /// <inheritdoc />
    // The fallback: a folder that is nothing else is read as an ImageFolder, whose loader names what is missing.
    public bool Recognizes(string directory, string split) => Directory.Exists(directory);

    /// <inheritdoc />
    public LabeledImages Load(string directory, DatasetRequest request)
    {
        string sub = Path.Combine(directory, request.Split);
        bool splitFolder = Directory.Exists(sub) && !IsClassFolder(request.Split, request.ClassNames);
        return ImageFolderDataset.Load(splitFolder ? sub : directory, request.Channels, request.ClassNames, request.Size);
    }

    private static bool IsClassFolder(string name, IReadOnlyList<string>? classNames) =>
        classNames is not null && classNames.Select(ImageFolderWriter.FolderName).Contains(name);
}
