using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace OnnxDiffusion.Imaging;

/// <summary>
/// Minimal PNG writer for 8-bit greyscale and RGB images: one IDAT chunk, filter type 0 on every row.
/// Deliberately simple so that the same pixels always give the same bytes (sharded runs are compared
/// byte for byte), and free of native dependencies.
/// </summary>
public static class PngEncoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes pixels laid out row-major, interleaved per pixel (grey: 1 byte; RGB: 3 bytes).</summary>
    /// <exception cref="ArgumentException">Channels other than 1 or 3, or a pixel buffer of the wrong size.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        if (channels is not (1 or 3))
            throw new ArgumentException($"PNG encoder: {channels} channels, expected 1 (grey) or 3 (RGB)");
        if (width < 1 || height < 1 || pixels.Length != width * height * channels)
            throw new ArgumentException($"PNG encoder: {pixels.Length} bytes for {width}×{height}×{channels}");
        using var ms = new MemoryStream();
        ms.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8;                              // bit depth
        ihdr[9] = (byte)(channels == 1 ? 0 : 2);  // colour type: grey or truecolour
        ihdr[10] = ihdr[11] = ihdr[12] = 0;       // deflate, adaptive filtering, no interlace
        WriteChunk(ms, "IHDR"u8, ihdr);

        int stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        for (int y = 0; y < height; y++)
            pixels.Slice(y * stride, stride).CopyTo(raw.AsSpan(y * (stride + 1) + 1));
        using (var idat = new MemoryStream())
        {
            using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
                z.Write(raw);
            WriteChunk(ms, "IDAT"u8, idat.GetBuffer().AsSpan(0, (int)idat.Length));
        }
        WriteChunk(ms, "IEND"u8, []);
        return ms.ToArray();
    }

    /// <summary>Encodes model-range images: C×H×W floats (planar) in <paramref name="range"/> (default [-1, 1]) → PNG.</summary>
    public static byte[] EncodeModelImage(ReadOnlySpan<float> chw, int channels, int height, int width, Imaging.PixelRange? range = null) =>
        Encode(ToInterleavedBytes(chw, channels, height * width, range ?? Imaging.PixelRange.MinusOneToOne), width, height, channels);

    /// <summary>Planar C×H·W model values in <paramref name="range"/> → interleaved bytes (what PNG rows hold).</summary>
    public static byte[] ToInterleavedBytes(ReadOnlySpan<float> chw, int channels, int plane, Imaging.PixelRange range)
    {
        var px = new byte[chw.Length];
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < plane; i++)
                px[i * channels + c] = range.ToByte(chw[c * plane + i]);
        return px;
    }

    private static void WriteChunk(Stream s, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        s.Write(type);
        s.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        Span<byte> c = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(c, crc.GetCurrentHashAsUInt32());
        s.Write(c);
    }
}
