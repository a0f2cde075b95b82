using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// <c>tune</c>: ONNX Runtime session settings for this workload, side by side. Every variant gets its own session
/// over the embedded U-Net, starting from <see cref="OnnxDenoiser.CreateSessionOptions"/> and changing one thing.
/// The variants run interleaved, round after round (the order rotates each round), so slow drift on a shared
/// machine hits all of them alike; the report is per-variant median time per forward and the median of the
/// per-round ratios to the product's settings (&lt; 1 is faster).
/// </summary>
public static class TuneMode
{
    private sealed record Variant(string Name, Action<SessionOptions, int> Change, bool IoBinding = false);

    private static readonly Variant[] Variants =
    [
        new("product settings", (_, _) => { }),
        new("IOBinding run", (_, _) => { }, IoBinding: true),
        new("intra-op 1 thread", (so, _) => so.IntraOpNumThreads = 1),
        // The product turns spinning off; this puts ONNX Runtime's default back.
        new("intra-op spinning on", (so, _) => so.AddSessionConfigEntry("session.intra_op.allow_spinning", "1")),
        new("parallel, inter-op 2", (so, _) => { so.ExecutionMode = ExecutionMode.ORT_PARALLEL; so.InterOpNumThreads = 2; }),
        new("graph opt disabled", (so, _) => so.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL),
        new("graph opt basic", (so, _) => so.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC),
        new("graph opt extended", (so, _) => so.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED),
        new("memory pattern off", (so, _) => so.EnableMemoryPattern = false),
        new("cpu arena off", (so, _) => so.EnableCpuMemArena = false),
        new("free dim batch fixed", (so, rows) => so.AddFreeDimensionOverrideByName("batch", rows)),
        new("denormals as zero", (so, _) => so.AddSessionConfigEntry("session.set_denormal_as_zero", "1")),
    ];

    /// <summary>Runs the mode; returns the exit code.</summary>
    public static int Run(CliArgs args)
    {
        int rows = args.Int("rows", 128);
        int threads = args.Int("threads", 2);
        int rounds = args.Int("rounds", 5);
        int reps = args.Int("reps", 2);
        string? only = args.String("only");
        args.RejectUnknown();

        string dir = RepoPaths.ModelDirectory;
        var manifest = ModelManifest.Load(Path.Combine(dir, "model.json"));
        string onnx = Path.Combine(dir, manifest.Onnx);
        var chosen = Variants.Where((v, i) => i == 0 || only is null || v.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToArray();
        Console.WriteLine($"tune: {rows} rows per forward (= batch {rows / 2} with guidance), {threads} intra-op threads, " +
                          $"{rounds} rounds × {reps} forwards per variant, {chosen.Length} variants");

        var runs = new List<Action>();
        var disposables = new List<IDisposable>();
        try
        {
            foreach (var v in chosen)
            {
                using var so = OnnxDenoiser.CreateSessionOptions(new DenoiserOptions { Device = DeviceKind.Cpu, IntraOpThreads = threads });
                v.Change(so, rows);
                var session = new InferenceSession(onnx, so);
                var ro = new RunOptions();
                var inputs = new ForwardInputs(manifest, rows);
                disposables.AddRange([session, ro, inputs]);
                if (v.IoBinding)
                {
                    var binding = inputs.Bind(session);
                    disposables.Add(binding);
                    runs.Add(() => session.RunWithBinding(ro, binding));
                }
                else
                {
                    runs.Add(() => inputs.Run(session, ro));
                }
                runs[^1]();
                runs[^1]();
            }

            var ms = new double[chosen.Length][];
            for (int v = 0; v < chosen.Length; v++)
                ms[v] = new double[rounds];
            for (int r = 0; r < rounds; r++)
            {
                for (int k = 0; k < chosen.Length; k++)
                {
                    int v = (k + r) % chosen.Length;
                    var sw = Stopwatch.StartNew();
                    for (int i = 0; i < reps; i++)
                        runs[v]();
                    ms[v][r] = sw.Elapsed.TotalMilliseconds / reps;
                }
                Console.WriteLine($"round {r + 1}/{rounds}: " + string.Join(", ", chosen.Select((c, v) => $"{ms[v][r]:0}")));
            }

            Console.WriteLine();
            Console.WriteLine($"{"variant",-24} {"median ms",10} {"range ms",16} {"ratio",7}");
            for (int v = 0; v < chosen.Length; v++)
            {
                double ratio = Median(Enumerable.Range(0, rounds).Select(r => ms[v][r] / ms[0][r]));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{chosen[v].Name,-24} {Median(ms[v]),10:0.0} {ms[v].Min(),7:0.0}–{ms[v].Max(),-8:0.0} {ratio,7:0.000}"));
            }
            Console.WriteLine("ratio: median over rounds of (variant / product settings) in the same round; < 1 is faster.");
        }
        finally
        {
            foreach (var d in disposables)
                d.Dispose();
        }
        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var a = values.OrderBy(x => x).ToArray();
        return a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2;
    }
}
