using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnnxDiffusion.Data;
using OnnxDiffusion.Metrics;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Cli.Commands;

/// <summary>
/// <c>onnxdiffusion metrics</c>: how far a synthetic set sits from a real one in a feature space — Fréchet
/// distance, precision / recall / density / coverage, mode concentration, label fidelity, KID, Vendi, PSNR and source
/// identifiability when the synthetic set's manifest points at its sources, and with <c>--train-split</c> the copy check
/// against the whole training split.
/// </summary>
public static class MetricsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var real = new Option<string>("--real") { Description = "real dataset: IDX folder or ImageFolder", DefaultValueFactory = _ => "data/fashion-mnist" }.NonEmpty();
        var realSplit = new Option<string>("--real-split") { Description = "train | test", DefaultValueFactory = _ => "test" };
        var fake = new Option<string>("--fake") { Description = "synthetic dataset (ImageFolder, or IDX with --fake-split)", Required = true }.NonEmpty();
        var fakeSplit = new Option<string>("--fake-split") { Description = "split when --fake is an IDX folder", DefaultValueFactory = _ => "train" };
        var features = new Option<string>("--features")
        {
            Description = "feature model: a folder with features.json + .onnx (any ONNX model with a named feature output), 'resnet18' (frozen ImageNet ResNet18, for RGB data) or 'auto' (the embedded Fashion-MNIST features when they take the images, else resnet18)",
            DefaultValueFactory = _ => FeatureExtractors.Auto,
        }.NonEmpty("a folder, resnet18 or auto");
        var k = new Option<int>("--k") { Description = "k of the k-NN radii", DefaultValueFactory = _ => 5 };
        var draws = new Option<int>("--draws")
        {
            Description = "precision / recall / density / coverage: mean over this many class-balanced draws of the real set of the fake set's size (0 = against the whole real set, which measures the size ratio as much as the data)",
            DefaultValueFactory = _ => 5,
        };
        var trainSplit = new Option<string>("--train-split")
        {
            // Off by default: embedding a 60,000-image training split costs more than every other metric together.
            Description = "copy check: the split of --real the model was trained on (e.g. train), searched whole for each fake image's nearest training image; 'none' skips it",
            DefaultValueFactory = _ => "none",
        };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var cmd = new Command("metrics", "Distribution metrics of a synthetic dataset against a real one.") { real, realSplit, fake, fakeSplit, features, k, draws, trainSplit, json };
        cmd.SetAction(p => CommandRunner.Run(() => Execute(
            CommonOptions.Resolve(p.GetValue(real)!), Split("--real-split", p.GetValue(realSplit)!), CommonOptions.Resolve(p.GetValue(fake)!), Split("--fake-split", p.GetValue(fakeSplit)!),
            ResolveFeatures(p.GetValue(features)!), p.GetValue(k), p.GetValue(json), Console.Out, p.GetValue(draws), p.GetValue(trainSplit)!)));
        return cmd;
    }

    // Checked before the feature model loads, naming the option: the loader would only say "split" once it reached that set.
    private static string Split(string option, string split) =>
        split is "train" or "test" ? split : throw new ConfigException($"{option} '{split}': expected train or test");

    /// <summary>Computes and prints the metrics.</summary>
    public static int Execute(string realDir, string realSplit, string fakeDir, string fakeSplit, string featuresDir, int k, bool json, TextWriter output,
        int draws = 5, string trainSplit = "none")
    {
        if (k < 1)
            throw new ConfigException($"--k {k}: expected an integer ≥ 1");
        if (draws < 0 || draws > Experiments.Plan.ExperimentPlan.MaxDraws)
            throw new ConfigException($"--draws {draws}: expected 0 (the whole real set) … {Experiments.Plan.ExperimentPlan.MaxDraws}");
        RefuseIncomplete(fakeDir);
        var (fakeChannels, fakeSize) = ShapeOf(fakeDir, fakeSplit);
        var (opened, chosen) = FeatureExtractors.Open(featuresDir, CommonOptions.Resolve(CommonOptions.EmbeddedFeatures), fakeChannels, fakeSize);
        using var extractor = opened;
        if (chosen is not null)
            Console.Error.WriteLine("notice: " + chosen);
        int channels = extractor.InputChannels ?? fakeChannels;
        var realSet = DatasetLoader.Load(realDir, realSplit, channels, extractor.ClassNames);
        var fakeSet = DatasetLoader.Load(fakeDir, fakeSplit, channels, realSet.ClassNames);
        var (sources, note) = SourceIndices(fakeDir, fakeSet, realSplit, realSet.Count);
        // k-NN radii and a covariance need enough points on each side; say so rather than fail inside the maths.
        foreach (var (name, set) in new[] { ("--real", realSet), ("--fake", fakeSet) })
            if (set.Count <= k)
                throw new DataFormatException($"{name} {set.Source}: {set.Count} images; k-NN metrics with --k {k} need at least {(long)k + 1}");
        var reference = new RealReference(extractor, realSet, k);
        // Equal sizes: draws of as many real images per class as the fake set's smallest class has.
        int perClass = Enumerable.Range(0, fakeSet.ClassNames.Count).Select(c => fakeSet.Labels.Count(l => l == c)).Where(n => n > 0).DefaultIfEmpty(1).Min();
        var copies = CopyCheck.Open(extractor, realDir, realSplit, trainSplit, realSet, channels);
        var result = SyntheticSetMetrics.Compute(extractor, reference, fakeSet, sources, realSet,
            draws == 0 ? null : ReferenceDraws.Create(reference, perClass, draws, 0), copies?.Reference);
        if (copies is not null)
            result = result with { CopyShareReference = copies.ReferenceShare(reference, perClass) };
        foreach (var w in result.Warnings.Append(note).Where(w => w is not null))
            Console.Error.WriteLine("warning: " + w);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(result));
            return 0;
        }
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"real  {realDir} [{realSplit}] ({result.NReference} images" +
                         (result.Draws > 0 ? $"; P/R/D/C over {result.Draws} draws of {result.NReal})" : ")"));
        output.WriteLine($"fake  {fakeDir} ({fakeSet.Count} images), features {featuresDir}, k = {k}");
        void Row(string name, double? v, string fmt = "F4") => output.WriteLine(v is double x ? $"  {name,-24} {x.ToString(fmt, inv)}" : $"  {name,-24} –");
        Row("fd", result.Fd, "F3");
        Row("precision", result.Precision);
        Row("recall", result.Recall);
        Row("density", result.Density);
        Row("coverage", result.Coverage);
        Row("centroid_distance_ratio", result.CentroidDistanceRatio);
        Row("outer_decile_share", result.OuterDecileShare);
        Row("label_fidelity", result.LabelFidelity);
        Row("psnr", result.Psnr, "F2");
        output.WriteLine(result.Kid is double kid
            ? $"  {"kid",-24} {kid.ToString("F5", inv)} ± {result.KidStandardError!.Value.ToString("F5", inv)} (SE; {result.KidSubsets} subsets of {result.KidSubsetSize})"
            : $"  {"kid",-24} –");
        Row("vendi", result.Vendi, "F2");
        Row("source_rank1_share", result.SourceRankOneShare);
        Row("source_median_rank", result.SourceMedianRank, "F1");
        Row("copy_share", result.CopyShare);
        Row("copy_median_ratio", result.CopyMedianRatio, "F3");
        if (result.CopyPool is int copyPool)
            output.WriteLine($"  {"copy_share_reference",-24} {result.CopyShareReference?.ToString("F4", inv) ?? "–"} (a class-balanced draw of --real like the fake set's size; pool: {copyPool} {trainSplit} images)");
        if (result.SourcePool is int pool)
            output.WriteLine($"  {"source_pool",-24} {pool} (chance: rank-1 share {(1.0 / pool).ToString("F4", inv)}, median rank {((pool + 1) / 2.0).ToString("F1", inv)})");
        output.WriteLine("  percentile histogram    " + string.Join(" ", result.PercentileHistogram.Select(h => h.ToString("F2", inv))));
        return 0;
    }

    /// <summary>A synthetic set from an interrupted run would be measured as if it were whole: refuse it, as merge does.</summary>
    private static void RefuseIncomplete(string fakeDir)
    {
        if (SyntheticSetStatus.Read(fakeDir) is { IsComplete: false } status)
            throw new DataFormatException($"{fakeDir}: synthetic set is not whole: {status.Problem}; rerun the command that made it to resume");
    }

    /// <summary>'resnet18' stays a name; anything else is a path.</summary>
    public static string ResolveFeatures(string value) =>
        string.Equals(value, FeatureExtractors.ResNet18, StringComparison.OrdinalIgnoreCase) || string.Equals(value, FeatureExtractors.Auto, StringComparison.OrdinalIgnoreCase)
            ? value
            : CommonOptions.Resolve(value);

    /// <summary>Channels and size of a synthetic set from its recipe ((3, 0) when unknown: generic extractors take RGB of any size).</summary>
    // The fake images' shape, for `auto` to pick a feature model that takes them: the recipe's for a synthetic set, an
    // IDX split's header, or an ImageFolder's first PNG (width and colour type); anything else reads as RGB of unknown size.
    private static (int Channels, int Size) ShapeOf(string dir, string split)
    {
        string config = Path.Combine(dir, SyntheticDatasetWriter.ConfigName);
        if (File.Exists(config))
        {
            var c = SyntheticRunConfig.Load(config);
            return (c.Channels, c.ImageSize);
        }
        if (DatasetLoader.IsIdx(dir, split))
        {
            var idx = IdxDataset.Load(dir, split);
            return (idx.Channels, idx.Height);
        }
        string root = Directory.Exists(Path.Combine(dir, split)) ? Path.Combine(dir, split) : dir;
        string? first = Directory.Exists(root) ? ImageFolderDataset.List(root, null).Files.FirstOrDefault().Path : null;
        var head = new byte[26];
        if (first is null || !first.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            return (3, 0);
        using (var f = File.OpenRead(first))
            if (f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length)
                return (3, 0); // too short to be a PNG: the loader names the file
        int width = (head[16] << 24) | (head[17] << 16) | (head[18] << 8) | head[19];
        return (head[25] is 0 or 4 ? 1 : 3, width); // PNG colour types 0 and 4 are grey (4 with alpha)
    }

    /// <summary>The real index of each fake image, when the fake folder's manifest points into this real split.</summary>
    private static (IReadOnlyList<int>? Indices, string? Note) SourceIndices(string fakeDir, LabeledImages fake, string realSplit, int realCount)
    {
        string manifest = Path.Combine(fakeDir, SyntheticDatasetWriter.ManifestName);
        string config = Path.Combine(fakeDir, SyntheticDatasetWriter.ConfigName);
        if (fake.Files is null || !File.Exists(manifest) || !File.Exists(config))
            return (null, null);
        var recipe = SyntheticRunConfig.Load(config);
        if (recipe.Source is null)
            return (null, null);
        if (recipe.Source.Split != realSplit || recipe.Source.SplitSize != realCount)
            return (null, $"psnr skipped: the fake set was reconstructed from the {recipe.Source.Split} split ({recipe.Source.SplitSize} images), --real-split is {realSplit} ({realCount})");
        var byFile = ManifestReader.Read(manifest).ToDictionary(r => r.File, r => r.SourceIndex);
        var indices = new int[fake.Count];
        for (int i = 0; i < fake.Count; i++)
        {
            if (!byFile.TryGetValue(fake.Files[i], out var src) || src is null)
                return (null, $"psnr skipped: {fake.Files[i]} has no source_index in {manifest}");
            indices[i] = src.Value;
        }
        return (indices, null);
    }
}
