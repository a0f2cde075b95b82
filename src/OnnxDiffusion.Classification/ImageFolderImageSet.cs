using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using OnnxDiffusion.Data;
using SkiaSharp;

namespace OnnxDiffusion.Classification;

/// <summary>
/// An <see cref="ImageSet"/> over an ImageFolder directory. Features come from ML.NET ImageAnalytics:
/// LoadImages → ResizeImages (a no-op at the listed size; ExtractPixels needs a declared size) → ConvertToGrayscale
/// (one channel only) → ExtractPixels, planar, with the same offset and scale as the in-memory path.
/// </summary>
internal sealed class ImageFolderImageSet : ImageSet
{
    private const string PathColumn = "Path";
    private const string ImageColumn = "Image";

    private readonly IReadOnlyList<string> _files;

    private ImageFolderImageSet(string root, int channels, int height, int width, IReadOnlyList<string> classNames, IReadOnlyList<int> labels, IReadOnlyList<string> files)
        : base(root, channels, height, width, classNames, labels)
    {
        _files = files;
    }

    public static ImageFolderImageSet Open(string root, int channels, IReadOnlyList<string>? classNames)
    {
        if (channels is not (1 or 3))
            throw new ClassificationException($"{root}: {channels} channels requested, expected 1 or 3");
        // Listing only: the classifier pipeline decodes the files itself (ImageAnalytics).
        var listing = ImageFolderDataset.List(root, classNames);
        var size = new ImageFolderDataset.SameSize();
        foreach (var (file, _) in listing.Files)
        {
            var (w, h) = HeaderSize(file);
            size.Check(file, w, h);
        }
        var files = listing.Files.Select(f => Path.GetFullPath(f.Path)).ToList();
        var labels = listing.Files.Select(f => f.Label).ToList();
        var names = listing.ClassNames;
        int width = size.Width, height = size.Height;
        return new ImageFolderImageSet(root, channels, height, width, names, labels, files);
    }

    // Only the header: listing a set must not cost a full decode of every image.
    private static (int Width, int Height) HeaderSize(string file)
    {
        using var codec = SKCodec.Create(file)
                          ?? throw new DataFormatException($"{file}: not a decodable PNG/JPEG image (corrupt or unsupported)");
        return (codec.Info.Width, codec.Info.Height);
    }

    // Same listing rules and order as Open, so labels line up.
    internal override LabeledImages Decode() => ImageFolderDataset.Load(Name, Channels, ClassNames);

    internal override IEnumerable<FeatureRow> ReadFeatures(MLContext ml, PixelScaling scaling)
    {
        if (Count == 0)
            yield break;
        var rows = _files.Select((f, i) => new PathRow { Path = f, Label = (uint)Labels[i] });
        var schema = SchemaDefinition.Create(typeof(PathRow));
        schema[nameof(PathRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), ClassNames.Count);
        var paths = ml.Data.LoadFromEnumerable(rows, schema);

        IEstimator<ITransformer> pipeline = ml.Transforms.LoadImages(ImageColumn, imageFolder: null, inputColumnName: PathColumn)
            .Append(ml.Transforms.ResizeImages(ImageColumn, Width, Height, ImageColumn));
        if (Channels == 1)
            pipeline = pipeline.Append(ml.Transforms.ConvertToGrayscale(ImageColumn));
        pipeline = pipeline.Append(ml.Transforms.ExtractPixels(FeatureColumns.Features, ImageColumn,
            colorsToExtract: Channels == 1 ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb,
            orderOfExtraction: ImagePixelExtractingEstimator.ColorsOrder.ARGB,
            interleavePixelColors: false,
            offsetImage: scaling.Offset,
            scaleImage: scaling.Scale,
            outputAsFloatArray: true));
        var view = pipeline.Fit(paths).Transform(paths);

        var columns = view.Schema.Where(c => c.Name is FeatureColumns.Features or FeatureColumns.Label);
        using var cursor = view.GetRowCursor(columns);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(view.Schema[FeatureColumns.Features]);
        var getLabel = cursor.GetGetter<uint>(view.Schema[FeatureColumns.Label]);
        VBuffer<float> buffer = default;
        uint key = 0;
        while (cursor.MoveNext())
        {
            getFeatures(ref buffer);
            getLabel(ref key);
            yield return new FeatureRow { Features = buffer.DenseValues().ToArray(), Label = key - 1 };
        }
    }

    private sealed class PathRow
    {
        public string Path { get; set; } = "";

        public uint Label { get; set; }
    }
}
