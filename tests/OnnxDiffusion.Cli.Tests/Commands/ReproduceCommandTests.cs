using System.Text.Json;
using OnnxDiffusion.Cli.Commands;
using OnnxDiffusion.Data;
using OnnxDiffusion.Experiments.Plan;
using OnnxDiffusion.Experiments.Running;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Cli.Tests.Commands;

/// <summary>The whole protocol on the tiny fixture model and a tiny 4×4 dataset (metrics need the 28×28 feature model, so they are off here).</summary>
[Collection("console")]
public class ReproduceCommandTests
{
    internal static readonly Lazy<string> Splits = new(TinySplits);

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
        PerClass = 4, Strengths = [0, 0.5], Steps = 4, Replicates = 3, Metrics = false, TestLimit = null, Batch = 8, Guidance = 2,
    };

    private static RunnerSettings Settings(string outDir, int classifierJobs = 0) => new()
    {
        ModelDirectory = TestData.TinyModel, DataDirectory = Splits.Value, FeaturesDirectory = "unused", OutDirectory = outDir, Device = DeviceKind.Cpu,
        ClassifierJobs = classifierJobs,
    };

    [Fact]
    public void RunsTheReplicatedProtocolAndResumesFromTheCache()
    {
        string outDir = TestData.NewDir("repro");
        Assert.Equal(0, ReproduceCommand.Execute(Plan, Settings(outDir)));
        foreach (var f in new[] { "report.md", "results.json", "results.csv", "timings.json", "grid.png" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        // maxent × 3 replicates × (real + 2 × (synthetic, real+synthetic) + generated + real+generated)
        Assert.Equal(3 * 7, rows.Length);
        Assert.Equal([0, 1, 2], rows.Select(r => r.GetProperty("replicate").GetInt32()).Distinct().Order());
        Assert.All(rows, r => Assert.InRange(r.GetProperty("accuracy").GetDouble(), 0, 1));
        Assert.All(rows.Where(r => r.GetProperty("train_set").GetString() is "real" or "generated"),
            r => Assert.Equal(JsonValueKind.Null, r.GetProperty("strength").ValueKind));
        foreach (var r in new[] { "r0", "r1", "r2" })
            Assert.Equal(3, Directory.GetDirectories(Path.Combine(outDir, "synthetic", r)).Length);
        Assert.True(doc.RootElement.GetProperty("summary").GetProperty("differences").GetArrayLength() > 0);

        // Strength 0 returns the replicate's real subset itself, so it scores exactly as that replicate's real row.
        double Acc(string set, double? s, int rep) => rows.Single(r => r.GetProperty("train_set").GetString() == set
            && r.GetProperty("replicate").GetInt32() == rep
            && (s is null ? r.GetProperty("strength").ValueKind == JsonValueKind.Null : r.GetProperty("strength").ValueKind != JsonValueKind.Null && r.GetProperty("strength").GetDouble() == s))
            .GetProperty("accuracy").GetDouble();
        foreach (int rep in new[] { 0, 1, 2 })
            Assert.Equal(Acc("real", null, rep), Acc("synthetic", 0, rep));
        // The replicates really are independent: their real subsets differ, and so do the sets made from them.
        var subsets = Directory.GetDirectories(Path.Combine(outDir, "synthetic"), "s0.0-*", SearchOption.AllDirectories)
            .Select(d => string.Join(",", TestData.ManifestLines(d).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("source_index").GetInt32())))
            .ToList();
        Assert.Equal(3, subsets.Distinct().Count());

        // A rerun finds every stage cached, gives the same bytes and still reports what the stages first cost.
        var before = File.ReadAllText(Path.Combine(outDir, "results.json"));
        var firstCost = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "timings.json"))).RootElement.EnumerateArray()
            .Single(t => t.GetProperty("stage").GetString() == "synthesis").GetProperty("compute_seconds").GetDouble();
        Assert.Equal(0, ReproduceCommand.Execute(Plan, Settings(outDir)));
        Assert.Equal(before, File.ReadAllText(Path.Combine(outDir, "results.json")));
        var timing = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "timings.json"))).RootElement.EnumerateArray()
            .Single(t => t.GetProperty("stage").GetString() == "synthesis");
        Assert.Equal(firstCost, timing.GetProperty("compute_seconds").GetDouble());
        Assert.True(timing.GetProperty("wall_seconds").GetDouble() < firstCost);
    }

    [Fact]
    public void SamePlanTwiceFromScratchGivesIdenticalResultsWhateverTheClassifierJobs()
    {
        string Run(int classifierJobs)
        {
            string outDir = TestData.NewDir("twice");
            ReproduceCommand.Execute(Plan, Settings(outDir, classifierJobs));
            return File.ReadAllText(Path.Combine(outDir, "results.json"));
        }
        string sequential = Run(1);
        Assert.Equal(sequential, Run(1));
        Assert.Equal(sequential, Run(4));
    }

    [Fact]
    public void ShardsMakeDisjointSetsAndTheRunAfterThemEqualsOneLocalRun()
    {
        string local = TestData.NewDir("shard-local"), sharded = TestData.NewDir("shard-run");
        Assert.Equal(0, ReproduceCommand.Execute(Plan, Settings(local)));
        // 3 replicates × (2 strengths + generated) = 9 sets, dealt round-robin to 2 shards: 5 and 4.
        var owned = new[] { 0, 1 }.Select(i => new ExperimentRunner(Plan, Settings(sharded)).Synthesize(new ShardSpec(i, 2))).ToArray();
        Assert.Equal([(5, 9), (4, 9)], owned);
        Assert.False(File.Exists(Path.Combine(sharded, "results.json")));
        Assert.Equal(9, Directory.GetDirectories(Path.Combine(sharded, "synthetic"), "*", SearchOption.AllDirectories).Count(d => Path.GetFileName(d).Contains('-')));

        Assert.Equal(0, ReproduceCommand.Execute(Plan, Settings(sharded)));
        Assert.Equal(File.ReadAllText(Path.Combine(local, "results.json")), File.ReadAllText(Path.Combine(sharded, "results.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(local, "results.csv")), File.ReadAllText(Path.Combine(sharded, "results.csv")));
    }

    /// <summary>
    /// The experiment's generated set and <c>generate</c> with the same recipe make the same ids, labels and bytes: both
    /// take their sample ids (which key the noise) from one plan.
    /// </summary>
    [Fact]
    public void TheExperimentsGeneratedSetIsWhatGenerateMakesFromTheSameRecipe()
    {
        string outDir = TestData.NewDir("same-ids");
        var plan = Plan with { Replicates = 1, Strengths = [0.5] };
        new ExperimentRunner(plan, Settings(outDir)).Synthesize(ShardSpec.All);
        string generated = Directory.GetDirectories(Path.Combine(outDir, "synthetic", "r0"), "generated-*").Single();
        var recipe = SyntheticRunConfig.Load(Path.Combine(generated, "dataset.json"));

        string cli = TestData.NewDir("same-ids-cli");
        GenerateCommand.Execute(TestData.Settings(recipe.Steps, plan.Batch, recipe.Guidance) with
        {
            Seed = recipe.Seed, Sampler = recipe.Sampler, Eta = recipe.Eta,
        }, plan.PerClass, cli);

        static SortedDictionary<long, (int Label, byte[] Png)> ById(string dir) => new(TestData.ManifestLines(dir)
            .Select(l => JsonSerializer.Deserialize<ManifestRecord>(l)!)
            .ToDictionary(r => r.Id, r => (r.Label, File.ReadAllBytes(Path.Combine(dir, r.File)))));
        var stage = ById(generated);
        var command = ById(cli);
        Assert.Equal(40, stage.Count);
        Assert.Equal(stage.Keys, command.Keys);
        Assert.Equal(stage.Values.Select(v => v.Label), command.Values.Select(v => v.Label));
        Assert.Equal(stage.Values.Select(v => v.Png), command.Values.Select(v => v.Png));
    }

    [Theory]
    [InlineData("3/2", "--shard '3/2'")]
    [InlineData("1/2", "--shard needs --out")]
    public void BadShardIsOneLine(string shard, string expected)
    {
        var args = new List<string> { "reproduce", "--profile", "quick", "--shard", shard };
        if (expected.StartsWith("--shard '", StringComparison.Ordinal))
            args.AddRange(["--out", TestData.NewDir("bad-shard")]);
        var (rc, err) = TestData.RunCli([.. args]);
        Assert.Equal(2, rc);
        Assert.Contains(expected, err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void OneReplicateWorksAndSaysItGivesNoInterval()
    {
        string outDir = TestData.NewDir("one");
        Assert.Equal(0, ReproduceCommand.Execute(Plan with { Replicates = 1 }, Settings(outDir)));
        string md = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("one replicate: no spread or interval can be estimated", md);
        Assert.Contains("inconclusive at R = 1", md);
        Assert.DoesNotContain(" ± ", md);
    }

    [Fact]
    public void UnknownProfileIsOneLine()
    {
        var (rc, err) = TestData.RunCli("reproduce", "--profile", "huge", "--out", TestData.NewDir("p"));
        Assert.Equal(CommandRunner.BadInput, rc);
        Assert.Contains("'huge'", err);
    }

    [Fact]
    public void TheOldSeedsOptionAndKeyAreRefusedNamingReplicates()
    {
        string outDir = TestData.NewDir("seeds");
        var (rc, err) = TestData.RunCli("reproduce", "--seeds", "3", "--out", outDir);
        Assert.Equal(CommandRunner.BadInput, rc);
        Assert.Contains("--replicates", err);
        string plan = Path.Combine(Directory.CreateTempSubdirectory("plan").FullName, "plan.json");
        File.WriteAllText(plan, """{ "profile": "quick", "seeds": 3 }""");
        (rc, err) = TestData.RunCli("reproduce", "--plan", plan, "--out", outDir);
        Assert.Equal(CommandRunner.BadInput, rc);
        Assert.Contains("'seeds' was replaced by 'replicates'", err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void ReplicatesOptionOverridesTheProfileAndZeroIsRefusedBeforeAnythingRuns()
    {
        string outDir = TestData.NewDir("zero");
        var (rc, err) = TestData.RunCli("reproduce", "--profile", "quick", "--replicates", "0", "--out", outDir);
        Assert.Equal(CommandRunner.BadInput, rc);
        Assert.Contains("replicates = 0", err);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void QuickProfileOnTheEmbeddedDefaultHasTwoReplicatesAndEqualSizeMetrics()
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
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        // maxent × 2 replicates × (real + 2 strengths × (synthetic, real+synthetic) + generated + real+generated)
        Assert.Equal(14, doc.RootElement.GetProperty("rows").GetArrayLength());
        var metrics = doc.RootElement.GetProperty("metrics").EnumerateArray().ToArray();
        // 2 replicates × (real ceiling + 2 strengths + generated)
        Assert.Equal(8, metrics.Length);
        foreach (var real in metrics.Where(m => m.GetProperty("set").GetString() == "real"))
        {
            var m = real.GetProperty("metrics");
            // Equal sizes: the real subset against draws of its own size reads as real data should.
            Assert.Equal(m.GetProperty("n_real").GetInt32(), m.GetProperty("n_fake").GetInt32());
            foreach (var name in new[] { "precision", "recall", "coverage" })
                Assert.True(m.GetProperty(name).GetDouble() >= 0.9, $"{name} {m.GetProperty(name).GetDouble()}");
        }
        var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("As measured here", report);
        Assert.Contains("real (ceiling)", report);
    }
}
