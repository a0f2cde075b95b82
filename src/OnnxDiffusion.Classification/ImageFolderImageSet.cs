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
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];
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
        if (!Directory.Exists(root))
            throw new DataFormatException($"{root}: image folder not found");
        var folders = Directory.GetDirectories(root).Select(d => Path.GetFileName(d)!).OrderBy(n => n, StringComparer.Ordinal).ToList();
        IReadOnlyList<string> names;
        if (classNames is null)
        {
            names = folders;
        }
        else
        {
            var known = classNames.Select(ImageFolderWriter.FolderName).ToList();
            foreach (var f in folders)
                if (!known.Contains(f))
                    throw new DataFormatException($"{Path.Combine(root, f)}: class folder '{f}' is not one of the classes ({string.Join(", ", known)})");
            names = classNames.ToArray();
        }
        if (names.Count == 0)
            throw new DataFormatException($"{root}: no class folders found (expected root/<class>/*.png)");

        var files = new List<string>();
        var labels = new List<int>();
        int width = 0, height = 0;
        string? first = null;
        for (int label = 0; label < names.Count; label++)
        {
            string dir = Path.Combine(root, ImageFolderWriter.FolderName(names[label]));
            if (!Directory.Exists(dir))
                continue; // a synthetic subset may lack a class; whether the union has it is checked at training
            foreach (var file in Directory.GetFiles(dir)
                         .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                         .OrderBy(f => f, StringComparer.Ordinal))
            {
                var (w, h) = HeaderSize(file);
                if (first is null)
                    (width, height, first) = (w, h, file);
                else if (w != width || h != height)
                    throw new DataFormatException($"{file}: image is {w}×{h} but {first} is {width}×{height} (all images must have one size)");
                files.Add(Path.GetFullPath(file));
                labels.Add(label);
            }
        }
        return new ImageFolderImageSet(root, channels, height, width, names, labels, files);
    }

    // Only the header: listing a set must not cost a full decode of every image.
    private static (int Width, int Height) HeaderSize(string file)
    {
        using var codec = SKCodec.Create(file)
                          ?? throw new DataFormatException($"{file}: not a decodable PNG/JPEG image (corrupt or unsupported)");
        return (codec.Info.Width, codec.Info.Height);
    }

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
