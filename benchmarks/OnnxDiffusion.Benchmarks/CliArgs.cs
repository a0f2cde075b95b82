using System.Globalization;

namespace OnnxDiffusion.Benchmarks;

/// <summary>The <c>--name value</c> options of the console modes (compare, tune); unknown names are an error.</summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>Parses pairs; a name without a value is an error.</summary>
    public CliArgs(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
                throw new ArgumentException($"'{a}': expected --name value pairs");
            _values[a[2..]] = args[++i];
        }
    }

    /// <summary>An integer option.</summary>
    public int Int(string name, int fallback) => Get(name, fallback, s => int.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>A floating-point option.</summary>
    public double Double(string name, double fallback) => Get(name, fallback, s => double.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>A string option, or null.</summary>
    public string? String(string name) => Get<string?>(name, null, s => s);

    /// <summary>Throws when an option was given that no mode asked for (a typo would otherwise go unnoticed).</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"unknown option(s): {string.Join(", ", unknown.Select(k => "--" + k))}");
    }

    private T Get<T>(string name, T fallback, Func<string, T> parse)
    {
        _used.Add(name);
        if (!_values.TryGetValue(name, out var s))
            return fallback;
        try
        {
            return parse(s);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"--{name} {s}: not a valid value");
        }
    }
}
