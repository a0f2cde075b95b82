using System.Diagnostics;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>
/// Output file systems that refuse writes, for real: tmpfs mounts made for the test (this needs root, which CI has here;
/// elsewhere the tests report skipped). A disk that fills up mid-run must stop with one line naming
/// the path and the cause, leave no .partial file, and what it finished must resume to the bytes of an uninterrupted run;
/// a read-only mount must fail before any work.
/// </summary>
[Collection("console")]
public class DiskFullTests
{
    private static bool Sh(string command)
    {
        var psi = new ProcessStartInfo("sh", ["-c", command]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    /// <summary>Runs <paramref name="body"/> on a fresh tmpfs mounted with <paramref name="options"/>, unmounting it afterwards.</summary>
    private static void OnTmpfs(string options, Action<string> body)
    {
        string mount = Directory.CreateTempSubdirectory("tmpfs").FullName;
        Assert.True(Sh($"mount -t tmpfs -o {options} tmpfs '{mount}'"), $"root could not mount a tmpfs with {options}");
        try
        {
            body(mount);
        }
        finally
        {
            Sh($"umount '{mount}'");
        }
    }

    /// <summary>The CLI's exit code and its one error line (device notices aside), asserting there is exactly one.</summary>
    private static (int Code, string Line) RunExpectingOneLine(params string[] args)
    {
        var (code, err) = TestData.RunCli(args);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("notice:", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        return (code, lines[0]);
    }

    [RootFact]
    public void AFullDiskIsOneLineLeavesNoPartialFilesAndResumes() => OnTmpfs("size=40k", mount =>
    {
        string outDir = Path.Combine(mount, "out");
        string[] args = ["generate", "--model", TestData.TinyModel, "--per-class", "4", "--steps", "2", "--device", "cpu", "--batch", "4", "--seed", "5"];
        var (code, line) = RunExpectingOneLine([.. args, "--out", outDir]);
        Assert.Equal(2, code);
        Assert.Contains(mount, line);
        Assert.Contains("cannot write", line);
        Assert.Empty(Directory.GetFiles(mount, "*" + AtomicFile.TempSuffix, SearchOption.AllDirectories));
        Assert.DoesNotContain(Directory.GetFiles(mount, "*", SearchOption.AllDirectories), f => new FileInfo(f).Length == 0 && !f.EndsWith(".jsonl"));

        // What was finished resumes: move it to a disk with room and finish the run.
        string resumed = TestData.NewDir("resumed");
        Assert.True(Sh($"cp -r '{outDir}' '{resumed}'"));
        int finished = File.Exists(Path.Combine(resumed, "manifest.jsonl")) ? TestData.ManifestLines(resumed).Length : 0;
        Assert.InRange(finished, 0, 39);
        Assert.Equal(0, TestData.RunCli([.. args, "--out", resumed]).Code);
        string reference = TestData.NewDir("reference");
        Assert.Equal(0, TestData.RunCli([.. args, "--out", reference]).Code);
        Assert.Equal(TestData.Pngs(reference), TestData.Pngs(resumed));
        Assert.Equal(TestData.ManifestLines(reference), TestData.ManifestLines(resumed));
    });

    [RootFact]
    public void AReadOnlyMountIsOneLineBeforeAnyWork() => OnTmpfs("size=64k,ro", mount =>
    {
        var (code, line) = RunExpectingOneLine("generate", "--model", TestData.TinyModel, "--per-class", "1", "--steps", "2", "--device", "cpu",
            "--out", Path.Combine(mount, "out"));
        Assert.Equal(2, code);
        Assert.Contains($"--out {Path.Combine(mount, "out")}: cannot create folder", line);
        Assert.Empty(Directory.GetFileSystemEntries(mount));
    });
}
