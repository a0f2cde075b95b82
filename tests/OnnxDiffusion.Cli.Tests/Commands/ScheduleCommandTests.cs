using System.Text.Json;
using OnnxDiffusion.Cli;
using OnnxDiffusion.Cli.Commands;

namespace OnnxDiffusion.Cli.Tests.Commands;

[Collection("console")]
public class ScheduleCommandTests
{
    private static string WriteConfig(string json)
    {
        string dir = Directory.CreateTempSubdirectory("schedule-cli").FullName;
        string path = Path.Combine(dir, "scheduler_config.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void PrintsTheStrengthTailAsJson()
    {
        var path = WriteConfig("{}");
        var sw = new StringWriter();
        Assert.Equal(0, ScheduleCommand.Execute(path, 50, 0.5, json: true, sw));
        using var doc = JsonDocument.Parse(sw.ToString());
        var ts = doc.RootElement.GetProperty("timesteps").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(25, ts.Length);
        Assert.Equal(480, ts[0]);
        Assert.Equal(0.9999, doc.RootElement.GetProperty("alphas_cumprod")[24].GetDouble(), 12);
    }

    [Fact]
    public void AcceptsAModelFolder()
    {
        var path = WriteConfig("""{"timestep_spacing": "trailing"}""");
        var sw = new StringWriter();
        Assert.Equal(0, ScheduleCommand.Execute(Path.GetDirectoryName(path)!, 10, 1.0, json: false, sw));
        var text = sw.ToString();
        Assert.Contains("spacing trailing", text);
        Assert.Contains("   999 ", text);
    }

    [Fact]
    public void AcceptsADiffusersPipelineFolderAndSaysWhatItRead()
    {
        var sw = new StringWriter();
        Assert.Equal(0, ScheduleCommand.Execute(Path.Combine(TestData.Root, "tests", "fixtures", "byom", "ddpm-rgb32"), 10, 1.0, json: false, sw));
        var text = sw.ToString();
        Assert.Contains("GaussianDDPMScheduler config", text);
        Assert.Contains("T = 1000", text);
    }

    [Fact]
    public void BadConfigExitsNonZeroWithOneLine()
    {
        var path = WriteConfig("""{"beta_schedule": "zigzag"}""");
        var (rc, err) = TestData.RunCli("schedule", "--config", path);
        Assert.Equal(CommandRunner.BadInput, rc);
        var lines = err.Trim().Split('\n');
        Assert.Single(lines);
        Assert.Contains("beta_schedule", lines[0]);
        Assert.Contains("zigzag", lines[0]);
    }

    [Fact]
    public void HelpListsTheCommands()
    {
        var out_ = new StringWriter();
        var old = Console.Out;
        Console.SetOut(out_);
        try
        {
            Assert.Equal(0, Program.Main(["--help"]));
        }
        finally
        {
            Console.SetOut(old);
        }
        Assert.Contains("schedule", out_.ToString());
    }
}

/// <summary>Console redirection is process-wide: keep these tests from overlapping.</summary>
[CollectionDefinition("console", DisableParallelization = true)]
public sealed class ConsoleCollection;
