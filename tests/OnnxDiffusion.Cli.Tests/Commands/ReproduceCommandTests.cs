using System.Text.Json;
using OnnxDiffusion.Cli.Commands;
using OnnxDiffusion.Data;
using OnnxDiffusion.Experiments.Plan;
using OnnxDiffusion.Experiments.Running;
using OnnxDiffusion.Kernels;

namespace OnnxDiffusion.Cli.Tests.Commands;

/// <summary>The whole protocol on the tiny fixture model and a tiny 4×4 dataset (metrics need the 28×28 feature model, so they are off here).</summary>
[Collection("console")]
public class ReproduceCommandTests
{
    private static string TinySplits()
    {
        string root = Directory.CreateTempSubdirectory("tinysplits").FullName;
        var rng = new Random(9);
        foreach (var (split, n) in new[] { ("train", 8), ("test", 4) })
        {
            var w = new ImageFolderWriter(Path.Combine(root, split), Enumerable.Range(0, 10).Select(c => $"c{c}").ToArray(), 1, 4);
            for (int c = 0; c < 10; c++)
                for (int i = 0; i < n; i++)
                {
                    // class c: a bright pixel at position c (plus noise), so classifiers can learn something
                    var img = Enumerable.Range(0, 16).Select(p => (float)(p == c ? 0.9 : rng.NextDouble() * 0.6 - 0.9)).ToArray();
                    w.Write(c, c * 100 + i, img);
                }
        }
        return root;
    }

    private static ExperimentPlan Plan => ExperimentPlan.ForProfile("quick") with
    {
        PerClass = 4, Strengths = [0, 0.5, 1.0], Steps = 4, Seeds = 3, Metrics = false, TestLimit = null, Batch = 8, Guidance = 2,
    };

    [Fact]
    public void RunsTheProtocolAndResumesFromTheCache()
    {
        string data = TinySplits(), outDir = TestData.NewDir("repro");
        var settings = new RunnerSettings
        {
            ModelDirectory = TestData.TinyModel, DataDirectory = data, FeaturesDirectory = "unused", OutDirectory = outDir, Device = DeviceKind.Cpu,
        };
        Assert.Equal(0, ReproduceCommand.Execute(Plan, settings));
        foreach (var f in new[] { "report.md", "results.json", "results.csv", "grid.png" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        // maxent × 3 seeds × (real + 3 synthetic + 3 real+synthetic)
        Assert.Equal(3 * 7, rows.Length);
        Assert.Equal("quick", doc.RootElement.GetProperty("profile").GetString());
        Assert.All(rows, r => Assert.InRange(r.GetProperty("accuracy").GetDouble(), 0, 1));
        var realRows = rows.Where(r => r.GetProperty("train_set").GetString() == "real").ToArray();
        Assert.All(realRows, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("strength").ValueKind));
        Assert.Equal(3, Directory.GetDirectories(Path.Combine(outDir, "synthetic")).Length);

        // Strength 0 returns the real subset itself, so every seed scores exactly as on real data.
        foreach (var real in realRows)
        {
            var twin = rows.Single(r => r.GetProperty("train_set").GetString() == "synthetic" && r.GetProperty("strength").GetDouble() == 0
                                        && r.GetProperty("seed").GetInt32() == real.GetProperty("seed").GetInt32()
                                        && r.GetProperty("classifier").GetString() == real.GetProperty("classifier").GetString());
            Assert.Equal(real.GetProperty("accuracy").GetDouble(), twin.GetProperty("accuracy").GetDouble());
        }

        // A rerun finds every stage cached and gives the same numbers.
        var before = File.ReadAllText(Path.Combine(outDir, "results.csv"));
        Assert.Equal(0, ReproduceCommand.Execute(Plan, settings));
        Assert.Equal(before, File.ReadAllText(Path.Combine(outDir, "results.csv")));
    }

    [Fact]
    public void UnknownProfileIsOneLine()
    {
        var (rc, err) = TestData.RunCli("reproduce", "--profile", "huge", "--out", TestData.NewDir("p"));
        Assert.Equal(CommandRunner.BadInput, rc);
        Assert.Contains("'huge'", err);
    }

    [Fact]
    public void SamePlanTwiceFromScratchGivesIdenticalRowsWhateverTheClassifierJobs()
    {
        string data = TinySplits();
        string Run(int classifierJobs)
        {
            string outDir = TestData.NewDir("twice");
            ReproduceCommand.Execute(Plan, new RunnerSettings
            {
                ModelDirectory = TestData.TinyModel, DataDirectory = data, FeaturesDirectory = "unused", OutDirectory = outDir, Device = DeviceKind.Cpu,
                ClassifierJobs = classifierJobs,
            });
            return File.ReadAllText(Path.Combine(outDir, "results.csv"));
        }
        string sequential = Run(1);
        Assert.Equal(sequential, Run(1));
        Assert.Equal(sequential, Run(4));
    }

    [Fact]
    public void QuickProfileOnTheEmbeddedDefault()
    {
        string outDir = TestData.NewDir("quick");
        Assert.Equal(0, ReproduceCommand.Execute(ExperimentPlan.ForProfile("quick"), new RunnerSettings
        {
            ModelDirectory = Path.Combine(TestData.Root, "models", "fashion-mnist-ddpm"),
            DataDirectory = Path.Combine(TestData.Root, "data", "fashion-mnist"),
            FeaturesDirectory = Path.Combine(TestData.Root, "models", "fashion-mnist-features"),
            OutDirectory = outDir,
            Device = DeviceKind.Cpu,
        }));
        Assert.True(File.Exists(Path.Combine(outDir, "report.md")));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        // maxent × 3 seeds × (real + 3 strengths × (synthetic, real+synthetic))
        Assert.Equal(21, doc.RootElement.GetProperty("rows").GetArrayLength());
        Assert.Equal(3, doc.RootElement.GetProperty("metrics").GetArrayLength());
        var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("As measured here", report);
    }
}
