using System.Globalization;
using OnnxDiffusion.Kernels;

namespace KernelCheck;

/// <summary>
/// The sampler's ILGPU kernels on a real GPU: every kernel at sizes 1 … 100003 on CUDA against the CPU accelerator within
/// <see cref="Tolerance"/>, the Box–Muller elements whose u1 lies just below 1 finite, and the fused step timed at batch 1024.
/// Without a usable CUDA device the CPU half still runs (the GPU-shaped CPU accelerator stands in for the GPU, which must
/// match bit for bit) and the CUDA half says why it was skipped: exit 0 with --dry-run, 3 without.
/// Usage: KernelCheck [--dry-run] [--out DIR] [--batch 1024] [--sample-size 784] (784 = the embedded Fashion-MNIST model's 1×28×28)
/// </summary>
internal static class Program
{
    // Seed 0, sample 0, stream 0: exact |z| < 4e-4 on the CPU; an unguarded approximate log turns these into NaN.
    private static readonly int[] NearOne = [4826271, 15789837, 15848971, 17647559, 28279777];

    private static int Main(string[] args)
    {
        bool dryRun = args.Contains("--dry-run");
        string? outDir = Value(args, "--out");
        int batch = int.Parse(Value(args, "--batch") ?? "1024", CultureInfo.InvariantCulture);
        int sampleSize = int.Parse(Value(args, "--sample-size") ?? "784", CultureInfo.InvariantCulture);
        var report = new Report(outDir);
        report.Line($"kernel-check: {Environment.ProcessorCount} CPU threads, .NET {Environment.Version}");

        var cpu = new DiffusionKernels(KernelAccelerator.Create(DeviceKind.Cpu));
        DiffusionKernels shaped;
        using (KernelAccelerator.GpuShapedScope())
            shaped = new DiffusionKernels(KernelAccelerator.Create(DeviceKind.Cpu));

        report.Line("-- CPU half: the GPU-shaped CPU accelerator against the CPU accelerator (must be bit-equal: error 0)");
        Compare(report, cpu, shaped, "gpu-shaped", exact: true);
        Time(report, cpu, "cpu", batch, sampleSize);

        report.Line("-- CUDA half");
        var probe = CudaProbe.Run();
        if (probe.Failure() is { } why)
        {
            report.Line($"SKIP cuda: {why}; the CUDA checks and the CUDA timing did not run");
            report.Save();
            return dryRun ? (report.Failed == 0 ? 0 : 1) : 3;
        }
        var cuda = new DiffusionKernels(KernelAccelerator.Create(DeviceKind.Cuda));
        report.Line($"cuda: {cuda.Device.Description}, driver CUDA {probe.DriverVersion?.Major}.{probe.DriverVersion?.Minor}, " +
            $"{cuda.Device.Accelerator.MemorySize / (1 << 20)} MiB");
        Compare(report, cpu, cuda, "cuda", exact: false);
        NearOneIsFinite(report, cuda);
        Time(report, cuda, "cuda", batch, sampleSize);
        report.Save();
        return report.Failed == 0 ? 0 : 1;
    }

    private static string? Value(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static void Compare(Report report, DiffusionKernels reference, DiffusionKernels device, string name, bool exact)
    {
        foreach (var c in Case.All())
        {
            var expected = c.Run(reference);
            var actual = c.Run(device);
            var (maxError, worst, nonFinite) = Tolerance.Compare(expected, actual, c.NoiseScale);
            bool ok = nonFinite == 0 && (exact ? maxError == 0 : worst <= 1);
            report.Check(ok, $"{name} {c.Name}: max |Δ| {maxError:E2}" + (exact ? "" : $", {worst:F3} of the tolerance") +
                (nonFinite > 0 ? $", {nonFinite} NaN/∞" : ""));
        }
    }

    private static void NearOneIsFinite(Report report, DiffusionKernels device)
    {
        int size = NearOne.Max() + 1;
        var z = Case.Normal(device, size, size, new NoiseKey(0, 0));
        int nonFinite = z.Count(v => !float.IsFinite(v));
        var near = NearOne.Select(e => z[e]).ToArray();
        report.Check(nonFinite == 0 && near.All(v => Math.Abs(v) < 1e-3f),
            $"noise near u1 = 1 (seed 0, sample 0, stream 0, {size} draws): {nonFinite} NaN/∞; at elements {string.Join(", ", NearOne)}: " +
            string.Join(", ", near.Select(v => v.ToString("E2", CultureInfo.InvariantCulture))));
    }

    private static void Time(Report report, DiffusionKernels k, string name, int batch, int sampleSize)
    {
        var (us, gbs, steps) = Timing.FusedStep(k, batch, sampleSize);
        report.Line(FormattableString.Invariant(
            $"TIME {name} fused step, batch {batch} × {sampleSize}: {us:F1} µs per step ({gbs:F1} GB/s effective, {steps} steps)"));
    }
}
