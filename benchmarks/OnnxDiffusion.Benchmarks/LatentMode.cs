using System.Diagnostics;
using System.Globalization;
using OnnxDiffusion.Data;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Text;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// <c>latent [--model DIR] [--batch B] [--repeats R] [--device cpu|cuda|auto] [--steps N]</c>: what each part of a
/// latent text-to-image pipeline costs, measured side by side in one run (medians of R): the text encoder per prompt,
/// the VAE encoder and decoder per image, and one guided U-Net step per image (the doubled batch of classifier-free
/// guidance), plus the share each has in a reconstruction sweep step count N. Default: the tiny fixture
/// (tests/fixtures/sd-tiny/pipeline); give an Optimum Stable Diffusion export with --model for real sizes.
/// </summary>
public static class LatentMode
{
    /// <summary>Runs the mode.</summary>
    public static int Run(CliArgs args)
    {
        string model = args.String("model") ?? Path.Combine(RepoPaths.RepoRoot, "tests", "fixtures", "sd-tiny", "pipeline");
        int batch = args.Int("batch", 8), repeats = args.Int("repeats", 7), steps = args.Int("steps", 50);
        var device = (args.String("device") ?? "cpu") switch
        {
            "cpu" => DeviceKind.Cpu,
            "cuda" => DeviceKind.Cuda,
            "auto" => DeviceKind.Auto,
            var d => throw new ArgumentException($"--device {d}: expected cpu, cuda or auto"),
        };
        args.RejectUnknown();
        if (batch < 1 || repeats < 1 || steps < 1)
            throw new ArgumentException("--batch, --repeats and --steps must be ≥ 1");

        using var pipeline = DiffusionPipeline.Open(new PipelineSettings { ModelDirectory = model, Device = device, Steps = steps, BatchSize = batch });
        var m = pipeline.Manifest;
        var parts = pipeline.Model.Latent ?? throw new ArgumentException($"{model}: not a latent pipeline");
        var spec = m.Text ?? throw new ArgumentException($"{model}: not text-conditioned");
        var tokenizer = ClipTokenizer.Load(parts.TokenizerDirectory);
        using var text = new TextEncoder(parts.TextEncoder, spec, pipeline.Denoiser.Provider);
        using var vae = new VaeCodec(parts, m, pipeline.Denoiser.Provider);

        var rng = new Random(1);
        var images = new float[batch * m.PixelCount];
        for (int i = 0; i < images.Length; i++)
            images[i] = (float)(rng.NextDouble() * 2 - 1);
        var latents = new float[batch * m.SampleSize];
        var output = new float[batch * m.SampleSize];
        var decoded = new float[batch * m.PixelCount];
        var conditioner = new PromptConditioner(tokenizer, text, PromptConditioner.DefaultTemplate, Enumerable.Range(0, batch).Select(i => $"class{i}").ToArray());
        var condition = conditioner.ForLabels(Enumerable.Range(0, batch).Select(i => (long)i).ToArray());
        var t = Enumerable.Repeat((long)pipeline.Timesteps.Timesteps[0], batch).ToArray();
        var ids = tokenizer.Encode("a photo of a cat");

        var parts4 = new (string Name, Action Run, int Per)[]
        {
            ("text encoder, per prompt", () => text.Encode(ids), 1),
            ("VAE encoder, per image", () => vae.Encode(images, batch, latents), batch),
            ($"U-Net step (guidance {pipeline.Settings.Guidance}), per image", () => pipeline.Denoiser.Predict(latents, t, condition, output), batch),
            ("VAE decoder, per image", () => vae.Decode(latents, batch, decoded), batch),
        };
        if (!vae.CanEncode)
            parts4 = parts4.Where(p => !p.Name.StartsWith("VAE encoder", StringComparison.Ordinal)).ToArray();
        foreach (var p in parts4)
            p.Run(); // warm-up
        var times = parts4.ToDictionary(p => p.Name, _ => new List<double>());
        for (int r = 0; r < repeats; r++)
            foreach (var p in parts4)
            {
                var sw = Stopwatch.StartNew();
                p.Run();
                times[p.Name].Add(sw.Elapsed.TotalMilliseconds / p.Per);
            }
        double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(inv, "{0}: {1}×{2}×{2} images, {3}×{4}×{4} latents, {5} tokens × {6}; {7}, batch {8}, median of {9}",
            pipeline.Model.Name, m.Channels, m.ImageSize, m.Latent!.Channels, m.Latent.Size, spec.Length, spec.Hidden, pipeline.Describe(), batch, repeats));
        foreach (var (name, xs) in times)
            Console.WriteLine(string.Format(inv, "  {0,-44} {1,10:F3} ms", name, Median(xs)));
        double step = Median(times.First(x => x.Key.StartsWith("U-Net", StringComparison.Ordinal)).Value);
        double dec = Median(times["VAE decoder, per image"]);
        double enc = vae.CanEncode ? Median(times["VAE encoder, per image"]) : 0;
        Console.WriteLine(string.Format(inv, "  a {0}-step generation: {1:F1} ms per image, {2:F0} % of it the U-Net; reconstruction at s = 0.6: {3:F1} ms per image",
            steps, steps * step + dec, 100 * steps * step / (steps * step + dec), enc + Math.Floor(steps * 0.6) * step + dec));
        return 0;
    }
}
