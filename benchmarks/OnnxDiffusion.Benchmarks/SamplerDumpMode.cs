using System.Globalization;
using System.Text.Json;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// <c>sampler-dump --sampler S --scheduler-config FILE --out DIR [--model DIR] [--steps N] [--images N] [--seed S]</c>:
/// the C# half of a held-out comparison with another implementation of a sampler (benchmarks/scripts/unipc_vs_diffusers.py).
/// Runs the model from standard-normal noise (System.Random's, so the other side needs no Philox) with the sampler read
/// from the given scheduler config, no guidance, class i mod 10 for image i, and writes <c>noise.f32</c> and
/// <c>out.f32</c> (raw little-endian float32, images × C × H × W) and <c>run.json</c> (timesteps, σ, labels, shape).
/// </summary>
public static class SamplerDumpMode
{
    /// <summary>Runs the mode.</summary>
    public static int Run(CliArgs args)
    {
        string sampler = args.String("sampler") ?? throw new ArgumentException("--sampler is required");
        string configPath = args.String("scheduler-config") ?? throw new ArgumentException("--scheduler-config is required");
        string outDir = args.String("out") ?? throw new ArgumentException("--out is required");
        string modelDir = args.String("model") ?? RepoPaths.ModelDirectory;
        int steps = args.Int("steps", 10), images = args.Int("images", 8), seed = args.Int("seed", 1);
        args.RejectUnknown();
        if (steps < 1 || images < 1)
            throw new ArgumentException("--steps and --images must be ≥ 1");

        var cfg = SchedulerConfig.Load(configPath);
        var schedule = new NoiseSchedule(cfg);
        var chosen = Samplers.Create(sampler, cfg);
        var run = chosen.Timesteps(schedule, steps);
        using var device = KernelAccelerator.Create(DeviceKind.Cpu);
        var kernels = new DiffusionKernels(device);
        using var denoiser = new OnnxDenoiser(modelDir, new DenoiserOptions { Device = DeviceKind.Cpu, GuidanceScale = 1.0 }, kernels);
        int size = denoiser.SampleSize;
        var x = StandardNormal(images * size, seed);
        Directory.CreateDirectory(outDir);
        Write(Path.Combine(outDir, "noise.f32"), x);

        var ids = Enumerable.Range(0, images).Select(i => (long)i).ToArray();
        var labels = ids.Select(i => i % 10).ToArray();
        using var loop = new DiffusionLoop(kernels, denoiser, schedule, chosen, images);
        loop.Run(new DiffusionJob(run, ids, Conditioning.Classes(labels), (ulong)seed, 0.0, StartFrom.Given), x);
        Write(Path.Combine(outDir, "out.f32"), x);
        File.WriteAllText(Path.Combine(outDir, "run.json"), JsonSerializer.Serialize(new
        {
            sampler = chosen.Name, steps, images, sample_size = size, timesteps = run.Timesteps, sigmas = run.Sigmas, labels,
        }));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{chosen.Name}: {images} images × {steps} steps, timesteps {string.Join(",", run.Timesteps)}; wrote {outDir}"));
        return 0;
    }

    // Box–Muller over System.Random: reproducible, and read back from the file by the other side.
    private static float[] StandardNormal(int n, int seed)
    {
        var rng = new Random(seed);
        var z = new float[n];
        for (int i = 0; i < n; i += 2)
        {
            double u = 1 - rng.NextDouble(), v = rng.NextDouble();
            double r = Math.Sqrt(-2 * Math.Log(u));
            z[i] = (float)(r * Math.Cos(2 * Math.PI * v));
            if (i + 1 < n)
                z[i + 1] = (float)(r * Math.Sin(2 * Math.PI * v));
        }
        return z;
    }

    private static void Write(string path, float[] values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length); // little-endian on every platform .NET runs this on
        File.WriteAllBytes(path, bytes);
    }
}
