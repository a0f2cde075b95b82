using SkiaSharp;

namespace OnnxDiffusion.Data;

/// <summary>Resizes planar 8-bit images with SkiaSharp (bilinear, no mipmaps), for data whose size is not the model's.</summary>
public static class ImageResizer
{
    /// <summary>How a resize is described in manifests and reports.</summary>
    public static string Describe(int fromHeight, int fromWidth, int size) => $"resized {fromHeight}×{fromWidth} → {size}×{size} (SkiaSharp bilinear)";

    /// <summary>The set with every image resized to <paramref name="size"/>×<paramref name="size"/>; the set itself when <paramref name="size"/> is null or already the images' size.</summary>
    public static LabeledImages Apply(LabeledImages images, int? size)
    {
        if (size is not int s || (images.Height == s && images.Width == s))
            return images;
        var pixels = new byte[(long)images.Count * images.Channels * s * s];
        int each = images.Channels * s * s;
        for (int i = 0; i < images.Count; i++)
            Resize(images.Image(i), images.Channels, images.Width, images.Height, s).CopyTo(pixels.AsSpan(i * each));
        return new LabeledImages(pixels, images.Labels, images.Channels, s, s, images.ClassNames, images.Source)
        {
            Files = images.Files,
            Resized = Describe(images.Height, images.Width, s),
        };
    }

    /// <summary>One planar [C, H, W] image (C = 1 or 3) resized to [C, size, size].</summary>
    public static byte[] Resize(ReadOnlySpan<byte> planar, int channels, int width, int height, int size)
    {
        if (channels is not (1 or 3))
            throw new DataFormatException($"cannot resize {channels}-channel images: expected 1 or 3");
        int plane = width * height;
        var type = channels == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888;
        using var source = new SKBitmap(new SKImageInfo(width, height, type, SKAlphaType.Opaque));
        var src = new byte[source.ByteCount];
        int inStride = source.RowBytes, inBpp = source.BytesPerPixel;
        for (int i = 0; i < plane; i++)
        {
            int p = (i / width) * inStride + (i % width) * inBpp;
            if (channels == 1)
            {
                src[p] = planar[i];
                continue;
            }
            src[p] = planar[i];
            src[p + 1] = planar[plane + i];
            src[p + 2] = planar[2 * plane + i];
            src[p + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(src, 0, source.GetPixels(), src.Length);
        // Low is Skia's bilinear filter without mipmaps (Medium adds mipmaps, High is bicubic).
        using var resized = source.Resize(new SKImageInfo(size, size, type, SKAlphaType.Opaque), SKFilterQuality.Low)
                            ?? throw new DataFormatException($"SkiaSharp could not resize a {width}×{height} image to {size}×{size}");
        var dst = resized.GetPixelSpan();
        int outPlane = size * size;
        var o = new byte[channels * outPlane];
        int stride = resized.RowBytes, bpp = resized.BytesPerPixel;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int p = y * stride + x * bpp, q = y * size + x;
                for (int c = 0; c < channels; c++)
                    o[c * outPlane + q] = dst[p + c];
            }
        return o;
    }
}

/// <summary>Converts loaded images to another channel count: grey → RGB by replication, RGB → grey by luma.</summary>
public static class ChannelConversion
{
    /// <summary>The ITU-R BT.601 luma of an RGB pixel, rounded (as torchvision's Grayscale).</summary>
    public static byte Luma(byte r, byte g, byte b) =>
        r == g && g == b ? r : (byte)Math.Clamp((int)Math.Round(0.299 * r + 0.587 * g + 0.114 * b), 0, 255);

    /// <summary>The set with <paramref name="channels"/> channels (itself when it has them already).</summary>
    /// <exception cref="DataFormatException">A conversion other than 1 ↔ 3 channels.</exception>
    public static LabeledImages To(LabeledImages images, int channels)
    {
        if (images.Channels == channels)
            return images;
        if (!(images.Channels is 1 or 3 && channels is 1 or 3))
            throw new DataFormatException($"{images.Source}: {images.Channels}-channel images cannot be loaded as {channels} channels (expected 1 or 3)");
        int plane = images.Height * images.Width;
        var o = new byte[(long)images.Count * channels * plane];
        for (int i = 0; i < images.Count; i++)
        {
            var src = images.Image(i);
            var dst = o.AsSpan(i * channels * plane, channels * plane);
            for (int p = 0; p < plane; p++)
            {
                if (channels == 3)
                    dst[p] = dst[plane + p] = dst[2 * plane + p] = src[p];
                else
                    dst[p] = Luma(src[p], src[plane + p], src[2 * plane + p]);
            }
        }
        return new LabeledImages(o, images.Labels, channels, images.Height, images.Width, images.ClassNames, images.Source)
        {
            Files = images.Files,
            Resized = images.Resized,
        };
    }
}
