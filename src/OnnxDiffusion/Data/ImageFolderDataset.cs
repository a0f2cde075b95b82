using SkiaSharp;

namespace OnnxDiffusion.Data;

/// <summary>
/// Reads torchvision's ImageFolder layout, <c>root/&lt;class&gt;/*.png|jpg|jpeg</c>, decoded with SkiaSharp.
/// Classes are the sub-folders (sorted ordinally, or matched to an explicit class list); files within a class
/// are sorted ordinally, so the order — and every derived subset — is deterministic.
/// </summary>
public static class ImageFolderDataset
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>Loads every image as <paramref name="channels"/> channels (1 = grey, 3 = RGB).</summary>
    /// <param name="root">The dataset folder.</param>
    /// <param name="channels">1 or 3.</param>
    /// <param name="classNames">Expected classes in label order (folder names are matched with
    /// <see cref="ImageFolderWriter.FolderName"/>); null takes the sub-folders as they are.</param>
    /// <param name="resizeTo">When set, every image that is not resizeTo×resizeTo is resized to it (SkiaSharp bilinear) and
    /// sizes may be mixed; when null, all images must have one size.</param>
    /// <exception cref="DataFormatException">Unknown or empty class folder, undecodable image, mixed sizes.</exception>
    public static LabeledImages Load(string root, int channels, IReadOnlyList<string>? classNames = null, int? resizeTo = null)
    {
        if (channels is not (1 or 3))
            throw new DataFormatException($"{root}: {channels} channels requested, expected 1 or 3");
        var listing = List(root, classNames);
        var pixels = new List<byte>();
        var size = new SameSize();
        string? resized = null;
        foreach (var (file, _) in listing.Files)
        {
            var (px, w, h) = Decode(file, channels);
            if (resizeTo is int s && (w != s || h != s))
            {
                resized ??= ImageResizer.Describe(h, w, s);
                px = ImageResizer.Resize(px, channels, w, h, s);
                (w, h) = (s, s);
            }
            size.Check(file, w, h);
            pixels.AddRange(px);
        }
        return new LabeledImages(pixels.ToArray(), listing.Files.Select(f => f.Label).ToArray(), channels, size.Height, size.Width,
            listing.ClassNames, root)
        {
            Files = listing.Files.Select(f => Path.GetRelativePath(root, f.Path).Replace('\\', '/')).ToArray(),
            Resized = resized,
        };
    }

    /// <summary>
    /// The classes and image files of an ImageFolder tree, in label order and ordinal file order, validated:
    /// the root exists, every class folder is a known class, no class folder is empty, some image exists.
    /// </summary>
    /// <exception cref="DataFormatException">The first problem, naming the folder.</exception>
    public static ImageFolderListing List(string root, IReadOnlyList<string>? classNames)
    {
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
        var files = new List<(string Path, int Label)>();
        for (int label = 0; label < names.Count; label++)
        {
            string dir = Path.Combine(root, ImageFolderWriter.FolderName(names[label]));
            if (!Directory.Exists(dir))
                continue; // a subset may lack a class; an existing but empty folder is an error
            var inClass = Directory.GetFiles(dir)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .OrderBy(f => f, StringComparer.Ordinal).ToArray();
            if (inClass.Length == 0)
                throw new DataFormatException($"{dir}: class folder holds no .png/.jpg images");
            files.AddRange(inClass.Select(f => (f, label)));
        }
        if (files.Count == 0)
            throw new DataFormatException($"{root}: no images found");
        return new ImageFolderListing(names, files);
    }

    /// <summary>Enforces one image size across a set, naming the first file that differs.</summary>
    public sealed class SameSize
    {
        private string? _first;

        /// <summary>Width of the first image.</summary>
        public int Width { get; private set; }

        /// <summary>Height of the first image.</summary>
        public int Height { get; private set; }

        /// <summary>Records the first size, then rejects any other.</summary>
        /// <exception cref="DataFormatException">The size differs from the first image's.</exception>
        public void Check(string file, int width, int height)
        {
            if (_first is null)
                (Width, Height, _first) = (width, height, file);
            else if (width != Width || height != Height)
                throw new DataFormatException($"{file}: image is {width}×{height} but {_first} is {Width}×{Height} (all images must have one size)");
        }
    }

    // SKBitmap.Decode accepts an incomplete image (a truncated file decodes its first rows and leaves the rest zero), which
    // would be used as data: this decodes the same way (premultiplied, no colour space) but only a complete image passes.
    private static SKBitmap DecodeWhole(string file)
    {
        using var codec = SKCodec.Create(file, out var status)
                          ?? throw new DataFormatException($"{file}: not a decodable PNG/JPEG image ({status})");
        var info = codec.Info;
        if (info.AlphaType == SKAlphaType.Unpremul)
            info.AlphaType = SKAlphaType.Premul;
        info.ColorSpace = null;
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new DataFormatException($"{file}: image data is truncated or corrupt ({result})");
        }
        return bitmap;
    }

    /// <summary>Decodes one image to planar bytes [C, H, W].</summary>
    /// <exception cref="DataFormatException">The file cannot be decoded.</exception>
    public static (byte[] Pixels, int Width, int Height) Decode(string file, int channels)
    {
        using var bitmap = DecodeWhole(file);
        int w = bitmap.Width, h = bitmap.Height;
        var planar = new byte[channels * w * h];
        var span = bitmap.GetPixelSpan();
        int bpp = bitmap.BytesPerPixel;
        var ct = bitmap.ColorType;
        for (int i = 0; i < w * h; i++)
        {
            byte r, g, b;
            if (ct is SKColorType.Gray8 or SKColorType.Alpha8)
            {
                r = g = b = span[i];
            }
            else if (ct == SKColorType.Bgra8888)
            {
                b = span[i * bpp];
                g = span[i * bpp + 1];
                r = span[i * bpp + 2];
            }
            else if (ct == SKColorType.Rgba8888)
            {
                r = span[i * bpp];
                g = span[i * bpp + 1];
                b = span[i * bpp + 2];
            }
            else
            {
                var c = bitmap.GetPixel(i % w, i / w);
                (r, g, b) = (c.Red, c.Green, c.Blue);
            }
            if (channels == 1)
            {
                planar[i] = ChannelConversion.Luma(r, g, b);
            }
            else
            {
                planar[i] = r;
                planar[w * h + i] = g;
                planar[2 * w * h + i] = b;
            }
        }
        return (planar, w, h);
    }
}

/// <summary>The classes (label order) and the image files with their labels of an ImageFolder tree.</summary>
public sealed record ImageFolderListing(IReadOnlyList<string> ClassNames, IReadOnlyList<(string Path, int Label)> Files);
