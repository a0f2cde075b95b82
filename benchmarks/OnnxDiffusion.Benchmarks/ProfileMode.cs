using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// <c>profile</c>: where the U-Net's forward spends its time under the product's session options. Runs a few
/// forwards with ONNX Runtime's profiler on, reads the trace it writes and prints the time per operator type
/// (after ONNX Runtime's graph optimisations, so fused and layout-transformed nodes show as what really ran)
/// and the slowest single nodes. Optionally saves the optimised graph for inspection.
/// </summary>
public static class ProfileMode
{
    /// <summary>Runs the mode; returns the exit code.</summary>
    public static int Run(CliArgs args)
    {
        int rows = args.Int("rows", 128);
        int threads = args.Int("threads", 2);
        int forwards = args.Int("forwards", 5);
        int top = args.Int("top", 15);
        string? optimized = args.String("save-optimized");
        string dir = args.String("model") ?? RepoPaths.ModelDirectory;
        args.RejectUnknown();
        if (rows < 1 || forwards < 1)
            throw new ArgumentException("--rows and --forwards must be ≥ 1");

        var manifest = ModelManifest.Load(Path.Combine(dir, "model.json"));
        string onnx = Path.Combine(dir, manifest.Onnx);
        string prefix = Path.Combine(Path.GetTempPath(), $"onnxdiffusion-profile-{Environment.ProcessId}");
        var options = new DenoiserOptions { Device = DeviceKind.Cpu, IntraOpThreads = threads };
        using var ro = new RunOptions();
        using var inputs = new ForwardInputs(manifest, rows);
        if (optimized is not null)
        {
            using var save = OnnxDenoiser.CreateSessionOptions(options);
            save.OptimizedModelFilePath = optimized;
            using var session = new InferenceSession(onnx, save);
        }

        using var so = OnnxDenoiser.CreateSessionOptions(options);
        so.EnableProfiling = true;
        so.ProfileOutputPathPrefix = prefix;
        using var profiled = new InferenceSession(onnx, so);
        inputs.Run(profiled, ro); // the first run pays one-off costs; Report drops it
        for (int i = 0; i < forwards; i++)
            inputs.Run(profiled, ro);
        string trace = profiled.EndProfiling();
        try
        {
            Report(trace, rows, forwards + 1, top);
        }
        finally
        {
            File.Delete(trace);
        }
        if (optimized is not null)
            Console.WriteLine($"optimised graph written to {optimized}");
        return 0;
    }

    private static void Report(string tracePath, int rows, int runs, int top)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(tracePath));
        var nodes = new List<(string Name, string Op, double Us, int Run)>();
        var modelRuns = new List<double>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            if (!e.TryGetProperty("cat", out var cat) || !e.TryGetProperty("dur", out var dur))
                continue;
            string name = e.GetProperty("name").GetString() ?? "";
            if (cat.GetString() == "Session" && name == "model_run")
                modelRuns.Add(dur.GetDouble());
            if (cat.GetString() != "Node" || !name.EndsWith("_kernel_time", StringComparison.Ordinal))
                continue;
            string op = e.TryGetProperty("args", out var a) && a.TryGetProperty("op_name", out var o) ? o.GetString() ?? "?" : "?";
            nodes.Add((name[..^"_kernel_time".Length], op, dur.GetDouble(), modelRuns.Count));
        }
        // The first run in the trace still pays one-off costs (arena growth); keep the later ones.
        var steady = nodes.Where(n => n.Run >= 1).ToList();
        int measuredRuns = Math.Max(1, modelRuns.Count - 1);
        double total = steady.Sum(n => n.Us);
        double perRun = total / measuredRuns;
        double wall = modelRuns.Skip(1).DefaultIfEmpty(0).Average();
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"profile: {rows} rows, {measuredRuns} traced forwards after one warm-up; model_run {wall / 1000:0.0} ms, sum of node times {perRun / 1000:0.0} ms per forward"));
        Console.WriteLine();
        Console.WriteLine($"{"operator",-32} {"nodes",6} {"ms/forward",11} {"share",7}");
        foreach (var g in steady.GroupBy(n => n.Op).OrderByDescending(g => g.Sum(n => n.Us)))
        {
            double us = g.Sum(n => n.Us) / measuredRuns;
            int count = g.Count() / measuredRuns;
            Console.WriteLine(string.Create(inv, $"{g.Key,-32} {count,6} {us / 1000,11:0.00} {us / perRun,7:P1}"));
        }
        Console.WriteLine();
        Console.WriteLine($"slowest {top} nodes:");
        foreach (var g in steady.GroupBy(n => (n.Name, n.Op)).OrderByDescending(g => g.Sum(n => n.Us)).Take(top))
        {
            double us = g.Sum(n => n.Us) / measuredRuns;
            Console.WriteLine(string.Create(inv, $"  {us / 1000,8:0.00} ms  {g.Key.Op,-24} {g.Key.Name}"));
        }
    }
}
