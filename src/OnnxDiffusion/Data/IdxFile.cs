using System.Buffers.Binary;
using System.IO.Compression;

namespace OnnxDiffusion.Data;

/// <summary>
/// One IDX file of unsigned bytes (the MNIST family's format): a 4-byte magic 00 00 08 n, n big-endian
/// 32-bit dimensions, then the data. Reads raw or gzip-compressed files (detected by content, not name)
/// and checks the magic, the header and that the data length is exactly the product of the dimensions.
/// </summary>
public sealed class IdxFile
{
    private IdxFile(int[] dimensions, byte[] data)
    {
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>The dimensions from the header (first = item count).</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The data bytes, row-major.</summary>
    public byte[] Data { get; }

    /// <summary>Reads and validates an IDX file.</summary>
    /// <exception cref="DataFormatException">The file is missing or malformed; the message names it.</exception>
    public static IdxFile Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"{path}: cannot read ({ex.Message})", ex);
        }
        if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        {
            try
            {
                using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var ms = new MemoryStream();
                gz.CopyTo(ms);
                bytes = ms.ToArray();
            }
            catch (InvalidDataException ex)
            {
                throw new DataFormatException($"{path}: corrupt or truncated gzip data ({ex.Message})", ex);
            }
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses IDX bytes (already decompressed); <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="DataFormatException">Malformed content.</exception>
    public static IdxFile Parse(byte[] bytes, string source)
    {
        if (bytes.Length < 4)
            throw new DataFormatException($"{source}: {bytes.Length} bytes is too short for an IDX header (expected at least 4)");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new DataFormatException($"{source}: bad IDX magic {bytes[0]:x2} {bytes[1]:x2} {bytes[2]:x2} {bytes[3]:x2} (expected 00 00 08 nn)");
        if (bytes[2] != 0x08)
            throw new DataFormatException($"{source}: IDX element type 0x{bytes[2]:x2} is not supported (expected 0x08, unsigned bytes)");
        int ndim = bytes[3];
        if (ndim < 1)
            throw new DataFormatException($"{source}: IDX header declares 0 dimensions (expected at least 1)");
        int headerLength = 4 + 4 * ndim;
        if (bytes.Length < headerLength)
            throw new DataFormatException($"{source}: truncated IDX header ({bytes.Length} bytes, expected {headerLength} for {ndim} dimensions)");
        var dims = new int[ndim];
        long expected = 1;
        for (int i = 0; i < ndim; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (d > int.MaxValue)
                throw new DataFormatException($"{source}: dimension {i} = {d} is too large");
            dims[i] = (int)d;
            expected *= d;
        }
        long actual = bytes.Length - headerLength;
        if (actual != expected)
            throw new DataFormatException(actual < expected
                ? $"{source}: truncated: {actual} data bytes, expected {expected} for dimensions {string.Join("×", dims)}"
                : $"{source}: {actual - expected} unexpected trailing bytes after {expected} data bytes for dimensions {string.Join("×", dims)}");
        return new IdxFile(dims, bytes.AsSpan(headerLength).ToArray());
    }

    /// <summary>Serialises data as IDX bytes (used by tests and tools).</summary>
    public static byte[] Encode(IReadOnlyList<int> dimensions, ReadOnlySpan<byte> data)
    {
        var bytes = new byte[4 + 4 * dimensions.Count + data.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dimensions.Count;
        for (int i = 0; i < dimensions.Count; i++)
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * i), (uint)dimensions[i]);
        data.CopyTo(bytes.AsSpan(4 + 4 * dimensions.Count));
        return bytes;
    }
}
