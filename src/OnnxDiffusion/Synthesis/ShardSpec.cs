using System.Globalization;

namespace OnnxDiffusion.Synthesis;

/// <summary>
/// <c>--shard i/n</c>: this process owns the global sample ids ≡ i (mod n). Because noise is keyed by the
/// global id, the union of n shards equals a single run byte for byte.
/// </summary>
public readonly record struct ShardSpec(int Index, int Count)
{
    /// <summary>The whole run (shard 0 of 1).</summary>
    public static ShardSpec All => new(0, 1);

    /// <summary>True when this is the whole run.</summary>
    public bool IsAll => Count == 1;

    /// <summary>Whether this shard owns a global id.</summary>
    public bool Owns(long id) => id % Count == Index;

    /// <summary>How many of the ids 0 … <paramref name="total"/> − 1 this shard owns.</summary>
    public int OwnedOf(int total) => total <= Index ? 0 : (total - Index + Count - 1) / Count;

    /// <summary>Parses "i/n" with 0 ≤ i &lt; n.</summary>
    /// <exception cref="ConfigException">Malformed or out of range; the message names the value.</exception>
    public static ShardSpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return All;
        var parts = text.Split('/');
        if (parts.Length == 2 &&
            int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i) &&
            int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) &&
            n >= 1 && i < n)
            return new ShardSpec(i, n);
        throw new ConfigException($"--shard '{text}': expected i/n with 0 ≤ i < n (e.g. 0/4)");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Index}/{Count}";
}
