using System.Globalization;
using OnnxDiffusion.Imaging;

namespace OnnxDiffusion.Data;

/// <summary>
/// Writes images in torchvision's ImageFolder layout, <c>root/&lt;class folder&gt;/&lt;id&gt;.png</c>. Each file is
/// written under a temporary name and renamed, so a crash never leaves a half-written PNG under its real name.
/// Class folder names are the class names with characters that cannot appear in a file name replaced by '_'.
/// </summary>
public sealed class ImageFolderWriter
{
    private readonly string _root;
    private readonly string[] _folders;
    private readonly int _channels;
    private readonly int _size;
    private readonly PixelRange _range;

    /// <summary>
    /// Creates the writer for model images in <paramref name="range"/> (default [-1, 1]); class folders are made on
    /// their first image, so none is ever left empty.
    /// </summary>
    public ImageFolderWriter(string root, IReadOnlyList<string> classNames, int channels, int size, PixelRange? range = null)
    {
        _root = root;
        _folders = classNames.Select(FolderName).ToArray();
        _channels = channels;
        _size = size;
        _range = range ?? PixelRange.MinusOneToOne;
    }

    /// <summary>The folder name used for a class name.</summary>
    public static string FolderName(string className)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var chars = className.Select(c => invalid.Contains(c) || c == '\\' ? '_' : c).ToArray();
        var name = new string(chars).Trim();
        return name.Length == 0 || name is "." or ".." ? "_" : name;
    }

    /// <summary>The file path of an image id in a class.</summary>
    public string PathOf(int label, long id) =>
        Path.Combine(_root, _folders[label], id.ToString("D6", CultureInfo.InvariantCulture) + ".png");

    /// <summary>Writes one model-range image (C·H·W floats); returns the interleaved bytes written.</summary>
    public (string Path, byte[] Pixels) Write(int label, long id, ReadOnlySpan<float> image)
    {
        var pixels = PngEncoder.ToInterleavedBytes(image, _channels, _size * _size, _range);
        string path = PathOf(label, id);
        OutputFolder.Create(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllBytes(path, PngEncoder.Encode(pixels, _size, _size, _channels));
        return (path, pixels);
    }

    /// <summary>Writes a grid picture of interleaved images (null cells stay dark) into the root folder.</summary>
    public string WriteGrid(string name, IReadOnlyList<byte[]?> images, int columns, int scale = 2)
    {
        var blank = new byte[_size * _size * _channels];
        var (px, w, h) = ImageGrid.Tile(images.Select(i => i ?? blank).ToArray(), _size, _size, _channels, columns, scale: scale);
        string path = Path.Combine(_root, name);
        OutputFolder.Create(_root);
        AtomicFile.WriteAllBytes(path, PngEncoder.Encode(px, w, h, _channels));
        return path;
    }
}
