using OnnxDiffusion.Data;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Pipelines;

namespace OnnxDiffusion.Cli.Tests;

/// <summary>Paths and small generated datasets for the CLI tests.</summary>
internal static class TestData
{
    public static string Root { get; } = FindRoot();

    public static string TinyModel => Path.Combine(Root, "tests", "fixtures", "tiny-denoiser");

    public static PipelineSettings Settings(int steps = 6, int batch = 4, double guidance = 2.0) => new()
    {
        ModelDirectory = TinyModel, Device = DeviceKind.Cpu, Steps = steps, Guidance = guidance, Seed = 11, BatchSize = batch,
    };

    /// <summary>An ImageFolder of 4×4 grey images, classes c0 … c9 (the tiny model's), <paramref name="perClass"/> each.</summary>
    public static string TinyImageFolder(int perClass = 6)
    {
        string root = Directory.CreateTempSubdirectory("tinyset").FullName;
        var w = new ImageFolderWriter(root, Enumerable.Range(0, 10).Select(c => $"c{c}").ToArray(), 1, 4);
        var rng = new Random(5);
        for (int c = 0; c < 10; c++)
            for (int i = 0; i < perClass; i++)
                w.Write(c, c * 100 + i, Enumerable.Range(0, 16).Select(_ => (float)(rng.Next(256) / 127.5 - 1)).ToArray());
        return root;
    }

    public static string NewDir(string name) => Path.Combine(Directory.CreateTempSubdirectory(name).FullName, "out");

    /// <summary>Relative path → bytes of every PNG under a folder, except grid.png.</summary>
    public static SortedDictionary<string, byte[]> Pngs(string dir) => new(
        Directory.GetFiles(dir, "*.png", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "grid.png")
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes), StringComparer.Ordinal);

    public static string[] ManifestLines(string dir) =>
        File.ReadAllLines(Path.Combine(dir, "manifest.jsonl")).Where(l => l.Length > 0).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Runs the CLI in-process and returns (exit code, stderr).</summary>
    public static (int Code, string Error) RunCli(params string[] args)
    {
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try
        {
            return (Program.Main(args), err.ToString());
        }
        finally
        {
            Console.SetError(old);
        }
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "OnnxDiffusion.sln")))
                return d.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
