using OnnxDiffusion.Imaging;

namespace OnnxDiffusion.Data;

/// <summary>
/// A labelled set of 8-bit images held in memory, row-major [N, C, H, W]. <see cref="CopyAsModelInput(int, Span{float}, PixelRange)"/>
/// converts to a model's pixel range (normally [-1, 1]).
/// </summary>
public sealed class LabeledImages
{
    /// <summary>Creates a set; validates sizes and labels.</summary>
    /// <exception cref="DataFormatException">Inconsistent sizes or a label outside the class list.</exception>
    public LabeledImages(byte[] pixels, int[] labels, int channels, int height, int width, IReadOnlyList<string> classNames, string source)
    {
        if ((long)labels.Length * channels * height * width != pixels.Length)
            throw new DataFormatException($"{source}: {pixels.Length} pixel bytes do not hold {labels.Length} images of {channels}×{height}×{width}");
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0 || labels[i] >= classNames.Count)
                throw new DataFormatException($"{source}: label {labels[i]} of item {i} is outside the {classNames.Count} classes (expected 0 … {classNames.Count - 1})");
        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        ClassNames = classNames;
        Source = source;
    }

    /// <summary>Pixel bytes, [N, C, H, W].</summary>
    public byte[] Pixels { get; }

    /// <summary>Class index per image.</summary>
    public int[] Labels { get; }

    /// <summary>Channels per image.</summary>
    public int Channels { get; }

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>Image width.</summary>
    public int Width { get; }

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Where the images came from (for messages and manifests).</summary>
    public string Source { get; }

    /// <summary>For sets read from files: each image's path relative to the dataset root ('/' separators), else null.</summary>
    public IReadOnlyList<string>? Files { get; init; }

    /// <summary>How the images were resized on loading (e.g. "resized 28×28 → 32×32 (SkiaSharp bilinear)"), or null when they were not.</summary>
    public string? Resized { get; init; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Values per image (C·H·W).</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>The pixel bytes of one image.</summary>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageSize, ImageSize);

    /// <summary>Writes image <paramref name="index"/> into <paramref name="destination"/> as floats in [-1, 1].</summary>
    public void CopyAsModelInput(int index, Span<float> destination) => CopyAsModelInput(index, destination, PixelRange.MinusOneToOne);

    /// <summary>Writes image <paramref name="index"/> into <paramref name="destination"/> as floats in <paramref name="range"/>.</summary>
    public void CopyAsModelInput(int index, Span<float> destination, PixelRange range)
    {
        var src = Image(index);
        for (int i = 0; i < src.Length; i++)
            destination[i] = range.ToModel(src[i]);
    }

    /// <summary>Converts a model value in [-1, 1] back to a byte (rounded, clamped).</summary>
    public static byte ToByte(float v) => PixelRange.MinusOneToOne.ToByte(v);
}
