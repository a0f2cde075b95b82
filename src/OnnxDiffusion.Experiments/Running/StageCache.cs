using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Experiments.Running;

/// <summary>
/// Content-addressed cache of stage outputs under <c>&lt;out&gt;/cache</c>: a result is stored under the hash of
/// everything that determines it, so a rerun after a crash or a change redoes only what changed.
/// </summary>
public sealed class StageCache(string root)
{
    /// <summary>The cache folder.</summary>
    public string Root { get; } = root;

    /// <summary>A short stable hash of any JSON-serialisable key.</summary>
    public static string Hash(object key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(key))))[..16];

    /// <summary>Returns the cached value for (stage, key), or computes, stores (atomically) and returns it.</summary>
    public T GetOrCompute<T>(string stage, object key, Func<T> compute)
    {
        string path = Path.Combine(Root, stage, Hash(key) + ".json");
        if (File.Exists(path))
        {
            try
            {
                if (JsonSerializer.Deserialize<T>(File.ReadAllText(path)) is { } cached)
                    return cached;
            }
            catch (JsonException)
            {
                // a damaged entry is recomputed
            }
        }
        var value = compute();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value));
        return value;
    }
}
