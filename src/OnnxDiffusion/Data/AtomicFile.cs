namespace OnnxDiffusion.Data;

/// <summary>Whole-file writes that never leave a partial file under the final name.</summary>
public static class AtomicFile
{
    /// <summary>Suffix of in-progress files; anything ending in it is debris from an interrupted run.</summary>
    public const string TempSuffix = ".partial";

    /// <summary>Writes to <c>path.partial</c>, flushes, then renames over <paramref name="path"/>.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        string tmp = path + TempSuffix;
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            f.Write(bytes);
            f.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Text variant of <see cref="WriteAllBytes"/> (UTF-8, no BOM).</summary>
    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
}
