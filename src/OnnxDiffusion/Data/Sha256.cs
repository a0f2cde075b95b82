using System.Security.Cryptography;
using System.Text;

namespace OnnxDiffusion.Data;

/// <summary>
/// The project's one way to name content by SHA-256: lower-case hex, as manifests, model files and caches record it.
/// </summary>
public static class Sha256
{
    /// <summary>The hash of <paramref name="bytes"/>.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The hash of a string's UTF-8 bytes.</summary>
    public static string Hex(string text) => Hex(Encoding.UTF8.GetBytes(text));

    /// <summary>The hash of a file's bytes, streamed: a real U-Net's .onnx can exceed what one byte array holds.</summary>
    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
