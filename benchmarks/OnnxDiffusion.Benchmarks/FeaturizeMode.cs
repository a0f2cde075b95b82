using System.Diagnostics;
using System.Globalization;
using OnnxDiffusion.Data;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// <c>featurize [--images N] [--repeats R]</c>: ResNet18 featurization throughput (images/s) of real Fashion-MNIST test
/// images (28×28 grey, resized to 224×224 RGB) with one lane and with one lane per core, measured side by side in one
/// run, R alternating repeats, medians and their ratio printed. Features must be equal across lane counts.
/// </summary>
public static class FeaturizeMode
{
    /// <summary>Runs the mode.</summary>
    public static int Run(CliArgs args)
    {
        int n = args.Int("images", 200), repeats = args.Int("repeats", 3);
        args.RejectUnknown();
        if (n < 1 || repeats < 1)
            throw new ArgumentException("--images and --repeats must be ≥ 1");
        var test = DatasetLoader.Load(RepoPaths.DataDirectory, new DatasetRequest("test", 1));
        var set = new LabeledImages(test.Pixels.AsSpan(0, n * test.ImageSize).ToArray(), test.Labels[..n], 1, test.Height, test.Width, test.ClassNames, "test");
        int cores = Environment.ProcessorCount;
        using var one = new ResNet18FeatureExtractor(lanes: 1);
        using var all = new ResNet18FeatureExtractor(lanes: cores);
        one.Run(set); // warm-up: first runs allocate and plan
        all.Run(set);
        var times = new Dictionary<int, List<double>> { [1] = [], [cores] = [] };
        float[]? reference = null;
        for (int r = 0; r < repeats; r++)
            foreach (var fx in new[] { one, all })
            {
                var sw = Stopwatch.StartNew();
                var f = fx.Run(set).Features;
                times[fx.Lanes].Add(sw.Elapsed.TotalSeconds);
                reference ??= f;
                if (!f.AsSpan().SequenceEqual(reference))
                    throw new InvalidOperationException($"features with {fx.Lanes} lanes differ from 1 lane");
            }
        double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        var inv = CultureInfo.InvariantCulture;
        foreach (var (lanes, xs) in times)
            Console.WriteLine(string.Format(inv, "lanes {0}: {1:F1} images/s (median of {2}, {3} images, {4} cores)", lanes, n / Median(xs), repeats, n, cores));
        Console.WriteLine(string.Format(inv, "ratio {0} lanes / 1 lane: {1:F2}×; features identical", cores, Median(times[1]) / Median(times[cores])));
        return 0;
    }
}
