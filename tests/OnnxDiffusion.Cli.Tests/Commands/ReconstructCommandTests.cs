using System.Diagnostics;
using OnnxDiffusion.Cli.Commands;
using OnnxDiffusion.Data;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Cli.Tests.Commands;

[Collection("console")]
public class ReconstructCommandTests
{
    [Fact]
    public void StrengthZeroReturnsTheSourcesPixelForPixel()
    {
        string data = TestData.TinyImageFolder(), outDir = TestData.NewDir("s0");
        ReconstructCommand.Execute(TestData.Settings(), data, "train", 3, 0.0, outDir);
        var real = ImageFolderDataset.Load(data, 1);
        var lines = TestData.ManifestLines(outDir);
        Assert.Equal(30, lines.Length);
        var synth = ImageFolderDataset.Load(outDir, 1, real.ClassNames);
        foreach (var r in lines.Select(l => System.Text.Json.JsonSerializer.Deserialize<ManifestRecord>(l)!))
        {
            var (px, _, _) = ImageFolderDataset.Decode(Path.Combine(outDir, r.File), 1);
            Assert.Equal(real.Image(r.SourceIndex!.Value).ToArray(), px);
            Assert.Null(r.StartTimestep);
        }
        Assert.Equal(30, synth.Count);
    }

    [Fact]
    public void ThreeShardsMergedEqualOneRun()
    {
        string data = TestData.TinyImageFolder();
        string single = TestData.NewDir("single"), merged = TestData.NewDir("merged");
        ReconstructCommand.Execute(TestData.Settings(), data, "train", 4, 0.6, single);
        var shards = Enumerable.Range(0, 3).Select(i =>
        {
            string d = TestData.NewDir($"shard{i}");
            ReconstructCommand.Execute(TestData.Settings(batch: 3), data, "train", 4, 0.6, d, new ShardSpec(i, 3));
            return d;
        }).ToArray();
        Assert.Equal(0, TestData.RunCli(["merge", "--out", merged, .. shards]).Code);
        Assert.Equal(TestData.Pngs(single), TestData.Pngs(merged));
        Assert.Equal(TestData.ManifestLines(single), TestData.ManifestLines(merged));
        Assert.Equal(File.ReadAllText(Path.Combine(single, "dataset.json")), File.ReadAllText(Path.Combine(merged, "dataset.json")));
    }

    [Fact]
    public void MergeRejectsAMissingShard()
    {
        string data = TestData.TinyImageFolder();
        string a = TestData.NewDir("a");
        ReconstructCommand.Execute(TestData.Settings(), data, "train", 2, 0.5, a, new ShardSpec(0, 2));
        var (code, err) = TestData.RunCli("merge", "--out", TestData.NewDir("m"), a);
        Assert.Equal(CommandRunner.BadInput, code);
        Assert.Contains("1/2 missing", err);
    }

    [Fact]
    public void KilledRunResumesToTheSameBytes()
    {
        string data = TestData.TinyImageFolder(perClass: 40);
        string reference = TestData.NewDir("ref"), interrupted = TestData.NewDir("killed");
        string[] args = ["reconstruct", "--model", TestData.TinyModel, "--data", data, "--per-class", "40", "--strength", "0.8",
                         "--steps", "50", "--batch", "4", "--seed", "3", "--device", "cpu"];
        Assert.Equal(0, TestData.RunCli([.. args, "--out", reference]).Code);

        // Killed three times at different points (the last ones resume a folder that was itself resumed), then finished.
        string dll = typeof(Program).Assembly.Location;
        string manifest = Path.Combine(interrupted, "manifest.jsonl");
        int Lines() => File.Exists(manifest) ? File.ReadAllLines(manifest).Length : 0;
        foreach (int killAt in new[] { 20, 130, 270 })
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { dll }.Concat(args).Concat(["--out", interrupted]))
                psi.ArgumentList.Add(a);
            using var child = Process.Start(psi)!;
            child.OutputDataReceived += (_, _) => { };
            child.ErrorDataReceived += (_, _) => { };
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < TimeSpan.FromSeconds(120) && !child.HasExited && Lines() < killAt)
                Thread.Sleep(5);
            Assert.False(child.HasExited, $"the child finished before it could be killed at {killAt}; make the run longer");
            child.Kill(); // SIGKILL on Unix
            child.WaitForExit();
            Assert.InRange(Lines(), killAt, 399);
        }

        Assert.Equal(0, TestData.RunCli([.. args, "--out", interrupted]).Code);
        Assert.Equal(TestData.Pngs(reference), TestData.Pngs(interrupted));
        Assert.Equal(TestData.ManifestLines(reference), TestData.ManifestLines(interrupted));
        Assert.Empty(Directory.GetFiles(interrupted, "*" + AtomicFile.TempSuffix, SearchOption.AllDirectories));
    }

    public static TheoryData<string, string> BadInputs() => new()
    {
        { "corrupt-png", "000003.png" },
        { "mixed-sizes", "5×5" },
        { "empty-class", "no .png" },
        { "unknown-class", "'hat'" },
        { "strength", "--strength 1.5" },
        { "shard", "--shard '3/2'" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputIsOneLineAndWritesNothing(string kind, string expected)
    {
        string data = TestData.TinyImageFolder(perClass: 4);
        string strength = "0.5", shard = "0/1";
        switch (kind)
        {
            case "corrupt-png":
                File.WriteAllBytes(Path.Combine(data, "c0", "000003.png"), [0x89, 0x50, 0x4E, 0x47, 0, 0]);
                break;
            case "mixed-sizes":
                new ImageFolderWriter(Path.Combine(data, "c1"), ["x"], 1, 5).Write(0, 7, new float[25]);
                File.Move(Path.Combine(data, "c1", "x", "000007.png"), Path.Combine(data, "c1", "000107.png"));
                Directory.Delete(Path.Combine(data, "c1", "x"), true);
                break;
            case "empty-class":
                foreach (var f in Directory.GetFiles(Path.Combine(data, "c2"))) File.Delete(f);
                break;
            case "unknown-class":
                Directory.CreateDirectory(Path.Combine(data, "hat"));
                break;
            case "strength":
                strength = "1.5";
                break;
            case "shard":
                shard = "3/2";
                break;
        }
        string outDir = TestData.NewDir("bad");
        var (code, err) = TestData.RunCli("reconstruct", "--model", TestData.TinyModel, "--data", data, "--per-class", "2",
            "--strength", strength, "--steps", "4", "--device", "cpu", "--shard", shard, "--out", outDir);
        Assert.Equal(CommandRunner.BadInput, code);
        Assert.Single(err.Trim().Split('\n'), l => !l.StartsWith("notice:"));
        Assert.Contains(expected, err);
        Assert.False(Directory.Exists(outDir), "nothing may be written for a bad input");
    }

    [Fact]
    public void OutputMadeByAnotherRecipeIsRejected()
    {
        string data = TestData.TinyImageFolder(perClass: 3);
        string outDir = TestData.NewDir("other");
        ReconstructCommand.Execute(TestData.Settings(), data, "train", 2, 0.4, outDir);
        var before = TestData.Pngs(outDir);
        var (code, err) = TestData.RunCli("reconstruct", "--model", TestData.TinyModel, "--data", data, "--per-class", "2",
            "--strength", "0.6", "--steps", "6", "--guidance", "2", "--seed", "11", "--device", "cpu", "--out", outDir);
        Assert.Equal(CommandRunner.BadInput, code);
        Assert.Contains("strength", err);
        Assert.Equal(before, TestData.Pngs(outDir));
    }
}
