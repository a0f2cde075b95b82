namespace OnnxDiffusion.Imaging;

/// <summary>Tiles equally sized images (interleaved bytes) into one picture with a dark border.</summary>
public static class ImageGrid
{
    /// <summary>
    /// Places <paramref name="images"/> row by row in <paramref name="columns"/> columns; missing cells stay dark.
    /// Returns (pixels, width, height).
    /// </summary>
    public static (byte[] Pixels, int Width, int Height) Tile(IReadOnlyList<byte[]> images, int width, int height, int channels,
        int columns, int pad = 2, int scale = 1)
    {
        if (columns < 1)
            throw new ArgumentOutOfRangeException(nameof(columns), columns, "at least one column");
        int rows = Math.Max(1, (images.Count + columns - 1) / columns);
        int cw = width * scale, ch = height * scale;
        int gw = columns * (cw + pad) + pad, gh = rows * (ch + pad) + pad;
        var grid = new byte[gw * gh * channels];
        for (int k = 0; k < images.Count; k++)
        {
            var img = images[k];
            int ox = pad + (k % columns) * (cw + pad), oy = pad + (k / columns) * (ch + pad);
            for (int y = 0; y < ch; y++)
                for (int x = 0; x < cw; x++)
                    for (int c = 0; c < channels; c++)
                        grid[((oy + y) * gw + ox + x) * channels + c] = img[((y / scale) * width + x / scale) * channels + c];
        }
        return (grid, gw, gh);
    }

    /// <summary>Planar [C, H·W] bytes → interleaved [H·W, C] bytes (what PNG rows hold).</summary>
    public static byte[] Interleave(byte[] planar, int channels, int plane)
    {
        var o = new byte[planar.Length];
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < plane; i++)
                o[i * channels + c] = planar[c * plane + i];
        return o;
    }
}
