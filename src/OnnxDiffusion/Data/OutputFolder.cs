namespace OnnxDiffusion.Data;

/// <summary>Creating output folders, with failures reported as one line naming the folder and the cause.</summary>
public static class OutputFolder
{
    /// <summary>Creates <paramref name="path"/> (and its parents) if missing.</summary>
    /// <exception cref="OutputException">It is a file, or cannot be created (no permission, read-only file system …).</exception>
    public static void Create(string path)
    {
        if (File.Exists(path))
            throw new OutputException($"{path}: is a file, expected a folder");
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new OutputException($"{path}: cannot create folder ({ex.Message.ReplaceLineEndings(" ").TrimEnd('.')})", ex);
        }
    }

    /// <summary>
    /// Makes sure a run can write into <paramref name="path"/> before it does any work: creates it and writes and deletes a
    /// probe file, so a folder that exists but is read-only (a mount, /proc, another user's) fails now, not mid-run.
    /// </summary>
    /// <exception cref="OutputException">The folder cannot be created or written; the message names <paramref name="option"/> and the path.</exception>
    public static void Prepare(string path, string option = "--out")
    {
        try
        {
            Create(path);
            string probe = Path.Combine(path, $".write-probe-{Environment.ProcessId}{AtomicFile.TempSuffix}");
            try
            {
                File.WriteAllBytes(probe, [0]);
            }
            finally
            {
                if (File.Exists(probe))
                    File.Delete(probe);
            }
        }
        catch (OutputException ex)
        {
            throw new OutputException($"{option} {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"{option} {path}: cannot write there ({ex.Message.ReplaceLineEndings(" ").TrimEnd('.')})", ex);
        }
    }
}
