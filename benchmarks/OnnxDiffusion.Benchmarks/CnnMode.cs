using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OnnxDiffusion.Classification;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// <c>cnn [--per-class 50] [--seeds 0,1,2] [--threads 1] [--epochs E]</c>: the cnn classifier kind on the
/// default protocol of its PyTorch twin (benchmarks/pytorch/cnn_twin.py): the first <c>per-class</c> images of each class
/// of the Fashion-MNIST training file, in file order, scored on all 10,000 test images, one classifier per trainer seed.
/// Prints each seed's accuracy and seconds (train, score), their mean and sd, and one line <c>RESULT {json}</c>.
/// </summary>
public static class CnnMode
{
    /// <summary>Runs the mode.</summary>
    public static int Run(CliArgs args)
    {
        int perClass = args.Int("per-class", 50), threads = args.Int("threads", 1);
        var seeds = (args.String("seeds") ?? "0,1,2").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var defaults = new CnnOptions();
        var cnn = defaults with { Epochs = args.Int("epochs", defaults.Epochs) };
        args.RejectUnknown();
        var train = DatasetLoader.Load(RepoPaths.DataDirectory, new DatasetRequest("train", 1));
        var test = DatasetLoader.Load(RepoPaths.DataDirectory, new DatasetRequest("test", 1));
        var pick = Enumerable.Range(0, train.Count).GroupBy(i => train.Labels[i]).SelectMany(g => g.Take(perClass)).Order().ToArray();
        var pixels = new byte[pick.Length * train.ImageSize];
        for (int j = 0; j < pick.Length; j++)
            train.Image(pick[j]).CopyTo(pixels.AsSpan(j * train.ImageSize, train.ImageSize));
        var subset = new LabeledImages(pixels, pick.Select(i => train.Labels[i]).ToArray(), 1, train.Height, train.Width, train.ClassNames, "train-first");
        var testSet = ImageSet.FromMemory(test);
        var inv = CultureInfo.InvariantCulture;
        var rows = new List<Dictionary<string, double>>();
        foreach (int seed in seeds)
        {
            var options = new ClassifierOptions { Kind = ClassifierKinds.Cnn, Seed = seed, Threads = threads, Cnn = cnn };
            var clf = ImageClassifier.Train(ImageSet.FromMemory(subset), options);
            var sw = Stopwatch.StartNew();
            double accuracy = clf.Evaluate(testSet).Metrics.Accuracy;
            double score = sw.Elapsed.TotalSeconds;
            rows.Add(new() { ["seed"] = seed, ["accuracy"] = accuracy, ["train_s"] = clf.TrainingTime.TotalSeconds, ["score_s"] = score });
            Console.WriteLine(string.Format(inv, "seed {0}: accuracy {1:F4}  train {2:F2} s  score {3:F2} s", seed, accuracy, clf.TrainingTime.TotalSeconds, score));
        }
        var accs = rows.Select(r => r["accuracy"]).ToArray();
        double mean = accs.Average();
        double sd = accs.Length > 1 ? Math.Sqrt(accs.Sum(a => (a - mean) * (a - mean)) / (accs.Length - 1)) : double.NaN;
        double Median(string key) => rows.Select(r => r[key]).Order().ElementAt(rows.Count / 2);
        Console.WriteLine(string.Format(inv, "mean {0:F4} sd {1:F4}", mean, sd));
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["engine"] = "torchsharp", ["threads"] = threads, ["per_class"] = perClass, ["epochs"] = cnn.Epochs,
            ["mean_accuracy"] = mean, ["sd_accuracy"] = double.IsNaN(sd) ? null! : sd, ["median_train_s"] = Median("train_s"), ["median_score_s"] = Median("score_s"), ["rows"] = rows,
        }));
        return 0;
    }
}
