using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnnxDiffusion.Data;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Cli.Commands;

/// <summary>
/// <c>onnxdiffusion metrics</c>: how far a synthetic set sits from a real one in a feature space —
/// Fréchet distance and label fidelity (the feature model's accuracy on the synthetic images' intended labels).
/// </summary>
public static class MetricsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var real = new Option<string>("--real") { Description = "real dataset: IDX folder or ImageFolder", DefaultValueFactory = _ => "data/fashion-mnist" };
        var realSplit = new Option<string>("--real-split") { Description = "train | test (IDX folders)", DefaultValueFactory = _ => "test" };
        var fake = new Option<string>("--fake") { Description = "synthetic dataset (ImageFolder)", Required = true };
        var features = new Option<string>("--features") { Description = "feature model folder (features.json + .onnx)", DefaultValueFactory = _ => "models/fashion-mnist-features" };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var cmd = new Command("metrics", "Distribution metrics of a synthetic dataset against a real one.") { real, realSplit, fake, features, json };
        cmd.SetAction(p => CommandRunner.Run(() => Execute(
            CommonOptions.Resolve(p.GetValue(real)!), p.GetValue(realSplit)!, p.GetValue(fake)!,
            CommonOptions.Resolve(p.GetValue(features)!), p.GetValue(json), Console.Out)));
        return cmd;
    }

    /// <summary>Computes and prints the metrics.</summary>
    public static int Execute(string realDir, string realSplit, string fakeDir, string featuresDir, bool json, TextWriter output)
    {
        using var extractor = new FeatureExtractor(featuresDir);
        var m = extractor.Manifest;
        var realSet = DatasetLoader.Load(realDir, realSplit, m.Channels, m.ClassNames.Count > 0 ? m.ClassNames : null);
        var fakeSet = DatasetLoader.Load(fakeDir, "train", m.Channels, realSet.ClassNames);
        var (rf, _) = extractor.Run(realSet);
        var (ff, fl) = extractor.Run(fakeSet);
        var rs = GaussianStats.Of(rf, m.FeatureDim);
        var fs = GaussianStats.Of(ff, m.FeatureDim);
        foreach (var (name, s) in new[] { ("real", rs), ("fake", fs) })
            if (FrechetDistance.TooFewSamples(s))
                Console.Error.WriteLine($"warning: {name} set has {s.Count} samples, fewer than the feature dimension {s.Dimension}: Fréchet distance is unreliable");
        double fd = FrechetDistance.Compute(rs, fs);
        double? fidelity = fl.Length > 0 ? FeatureExtractor.Accuracy(fl, fakeSet.Labels) : null;
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["fd"] = fd, ["label_fidelity"] = fidelity, ["n_real"] = realSet.Count, ["n_fake"] = fakeSet.Count,
            }));
            return 0;
        }
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"real  {realDir} ({realSet.Count} images)");
        output.WriteLine($"fake  {fakeDir} ({fakeSet.Count} images)");
        output.WriteLine(string.Format(inv, "fd              {0:F3}", fd));
        if (fidelity is double f)
            output.WriteLine(string.Format(inv, "label_fidelity  {0:F4}", f));
        return 0;
    }
}
