namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// Locates the repository's embedded model and data. BenchmarkDotNet runs each benchmark from a generated
/// project under bin/, so paths are found by walking up to OnnxDiffusion.sln rather than from the working folder.
/// </summary>
public static class RepoPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The repository root (the folder holding OnnxDiffusion.sln); ONNXDIFFUSION_ROOT overrides it.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>The embedded default diffusion model.</summary>
    public static string ModelDirectory => Path.Combine(RepoRoot, "models", "fashion-mnist-ddpm");

    /// <summary>The embedded feature model (the metrics' judge).</summary>
    public static string FeaturesDirectory => Path.Combine(RepoRoot, "models", "fashion-mnist-features");

    /// <summary>The embedded Fashion-MNIST IDX files.</summary>
    public static string DataDirectory => Path.Combine(RepoRoot, "data", "fashion-mnist");

    private static string FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("ONNXDIFFUSION_ROOT");
        if (!string.IsNullOrEmpty(env))
            return env;
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "OnnxDiffusion.sln")))
                    return dir.FullName;
        }
        throw new DirectoryNotFoundException(
            $"OnnxDiffusion.sln not found above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}; set ONNXDIFFUSION_ROOT");
    }
}
