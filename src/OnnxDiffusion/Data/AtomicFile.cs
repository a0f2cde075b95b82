namespace OnnxDiffusion.Data;

/// <summary>Whole-file writes that never leave a partial file under the final name, nor a partial file at all when they fail.</summary>
public static class AtomicFile
{
    /// <summary>Suffix of in-progress files; anything ending in it is debris from an interrupted run.</summary>
    public const string TempSuffix = ".partial";

    /// <summary>Writes to <c>path.partial</c>, flushes, then renames over <paramref name="path"/>.</summary>
    /// <exception cref="OutputException">The file cannot be written (the message names it and the cause, e.g. a full disk).</exception>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        string tmp = path + TempSuffix;
        try
        {
            using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(tmp);
            throw Failure(path, ex);
        }
    }

    /// <summary>Text variant of <see cref="WriteAllBytes"/> (UTF-8, no BOM).</summary>
    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>The one-line error for a file that could not be written.</summary>
    public static OutputException Failure(string path, Exception cause) =>
        new($"{path}: cannot write ({cause.Message.ReplaceLineEndings(" ").TrimEnd('.')})", cause);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The first failure is what the user needs to hear about.
        }
    }
}
