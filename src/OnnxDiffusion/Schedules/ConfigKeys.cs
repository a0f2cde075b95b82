using System.Text.Json;
using System.Text.Json.Nodes;

namespace OnnxDiffusion.Schedules;

/// <summary>Typed access to one JSON object's keys, with errors that name the file and the key.</summary>
public sealed class ConfigKeys(JsonObject obj, string source)
{
    /// <summary>Whether the key is present (null counts as present).</summary>
    public bool Has(string key) => obj.ContainsKey(key);

    /// <summary>An error naming the key, its value and what was expected.</summary>
    public ConfigException Wrong(string key, string expected) =>
        new($"{source}: key '{key}' = {obj[key]?.ToJsonString() ?? "null"}: expected {expected}");

    /// <summary>The key as a string.</summary>
    public string String(string key) =>
        obj[key] is JsonValue v && v.TryGetValue(out string? s) ? s : throw Wrong(key, "a string");

    /// <summary>The key as true or false.</summary>
    public bool Bool(string key) =>
        obj[key] is JsonValue v && v.TryGetValue(out bool b) ? b : throw Wrong(key, "true or false");

    /// <summary>The key as a number.</summary>
    public double Double(string key)
    {
        if (obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
            return v.GetValue<double>();
        throw Wrong(key, "a number");
    }

    /// <summary>The key as an integer.</summary>
    public int Int(string key)
    {
        if (obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            double d = v.GetValue<double>();
            if (d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue)
                return (int)d;
        }
        throw Wrong(key, "an integer");
    }

    /// <summary>The key as one of the table's names.</summary>
    public T Enum<T>(string key, (string Name, T Value)[] table) where T : struct, System.Enum
    {
        string s = obj[key] is JsonValue v && v.TryGetValue(out string? str) ? str : throw Wrong(key, "a string");
        foreach (var (name, value) in table)
            if (name == s)
                return value;
        throw Wrong(key, "one of " + string.Join(", ", table.Select(e => e.Name)));
    }

    /// <summary>The key as null or an array of numbers.</summary>
    public IReadOnlyList<double>? DoubleArrayOrNull(string key)
    {
        var node = obj[key];
        if (node is null)
            return null;
        if (node is not JsonArray arr)
            throw Wrong(key, "null or an array of numbers");
        var list = new double[arr.Count];
        for (int i = 0; i < arr.Count; i++)
        {
            if (arr[i] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
                throw new ConfigException($"{source}: key '{key}' value [{i}] is not a number");
            list[i] = v.GetValue<double>();
        }
        return list;
    }
}
