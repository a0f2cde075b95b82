using OnnxDiffusion.Cli.Commands;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Pipelines;

namespace OnnxDiffusion.Cli.Tests.Commands;

[Collection("console")]
public class GenerateCommandTests
{
    private static PipelineSettings Settings(ulong seed = 3) => new()
    {
        ModelDirectory = TestData.TinyModel, Device = DeviceKind.Cpu, Steps = 5, Guidance = 2.0, Seed = seed, BatchSize = 4,
    };

    [Fact]
    public void WritesOneFolderPerClassAndAGrid()
    {
        string dir = Directory.CreateTempSubdirectory("gen").FullName;
        Assert.Equal(0, GenerateCommand.Execute(Settings(), 3, dir));
        Assert.True(File.Exists(Path.Combine(dir, "grid.png")));
        for (int c = 0; c < 10; c++)
            Assert.Equal(3, Directory.GetFiles(Path.Combine(dir, $"c{c}"), "*.png").Length);
        Assert.Empty(Directory.GetFiles(dir, "*.partial", SearchOption.AllDirectories));
    }

    [Fact]
    public void SameSeedGivesIdenticalFilesWhateverTheBatchSize()
    {
        string a = Directory.CreateTempSubdirectory("gen").FullName, b = Directory.CreateTempSubdirectory("gen").FullName;
        GenerateCommand.Execute(Settings(), 2, a);
        GenerateCommand.Execute(Settings() with { BatchSize = 7 }, 2, b);
        foreach (var f in Directory.GetFiles(a, "*.png", SearchOption.AllDirectories))
            Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(b, Path.GetRelativePath(a, f))));
    }

    [Fact]
    public void SessionLayoutDoesNotChangeTheFiles()
    {
        string a = Directory.CreateTempSubdirectory("gen").FullName, b = Directory.CreateTempSubdirectory("gen").FullName;
        GenerateCommand.Execute(Settings() with { Sessions = 1, MicroBatch = 8 }, 2, a);
        GenerateCommand.Execute(Settings() with { IntraOpThreads = 3, Sessions = 3, MicroBatch = 1 }, 2, b);
        foreach (var f in Directory.GetFiles(a, "*.png", SearchOption.AllDirectories))
            Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(b, Path.GetRelativePath(a, f))));
    }

    [Fact]
    public void DpmSamplerRunsAndIsRecorded()
    {
        string dir = TestData.NewDir("gen-dpm");
        var (rc, err) = TestData.RunCli("generate", "--model", TestData.TinyModel, "--per-class", "1", "--steps", "4",
            "--device", "cpu", "--sampler", "dpm++2m", "--out", dir);
        Assert.True(rc == 0, err);
        var rows = Synthesis.ManifestReader.Read(Path.Combine(dir, Synthesis.SyntheticDatasetWriter.ManifestName)).ToList();
        Assert.Equal(10, rows.Count);
        Assert.All(rows, r => Assert.Equal("dpm++2m", r.Sampler));
        Assert.Equal("dpm++2m", Synthesis.SyntheticRunConfig.Load(Path.Combine(dir, Synthesis.SyntheticDatasetWriter.ConfigName)).Sampler);
    }

    [Theory]
    [InlineData("--threads", "-1")]
    [InlineData("--sessions", "-2")]
    public void NegativeThreadOrSessionCountIsOneLineAndWritesNothing(string option, string value)
    {
        string outDir = TestData.NewDir("bad");
        var (rc, err) = TestData.RunCli("generate", "--model", TestData.TinyModel, "--per-class", "1", "--steps", "2",
            "--device", "cpu", option, value, "--out", outDir);
        Assert.Equal(CommandRunner.BadInput, rc);
        Assert.Single(err.Trim().Split('\n'), l => !l.StartsWith("notice:"));
        Assert.Contains($"{option} {value}", err);
        Assert.False(Directory.Exists(outDir), "nothing may be written for a bad input");
    }

    [Fact]
    public void MissingModelFolderIsOneLineError()
    {
        var (rc, err) = TestData.RunCli("generate", "--model", "/nonexistent/model", "--out", Path.GetTempPath());
        Assert.Equal(CommandRunner.BadInput, rc);
        Assert.Contains("/nonexistent/model", err);
        Assert.Single(err.Trim().Split('\n'));
    }
}
