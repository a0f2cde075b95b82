using System.Diagnostics;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>
/// A disk that fills up mid-run, for real: a 40 KiB tmpfs mounted for the test (this needs root, which CI has here; elsewhere
/// the test has nothing to mount and returns). The run must stop with one line naming the path and the cause, leave no
/// .partial file, and the images it finished must resume to the bytes of an uninterrupted run.
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

    [Fact]
    public void AFullDiskIsOneLineLeavesNoPartialFilesAndResumes()
    {
        if (Environment.UserName != "root")
            return;
        string mount = Directory.CreateTempSubdirectory("fulldisk").FullName;
        Assert.True(Sh($"mount -t tmpfs -o size=40k tmpfs '{mount}'"), "root could not mount a tmpfs");
        try
        {
            string outDir = Path.Combine(mount, "out");
            string[] args = ["generate", "--model", TestData.TinyModel, "--per-class", "4", "--steps", "2", "--device", "cpu", "--batch", "4", "--seed", "5"];
            var (code, err) = TestData.RunCli([.. args, "--out", outDir]);
            var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("notice:", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, code);
            Assert.Single(lines);
            Assert.Contains(mount, lines[0]);
            Assert.Contains("cannot write", lines[0]);
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
        }
        finally
        {
            Sh($"umount '{mount}'");
        }
    }

    [Fact]
    public void AReadOnlyMountIsOneLineBeforeAnyWork()
    {
        if (Environment.UserName != "root")
            return;
        string mount = Directory.CreateTempSubdirectory("readonly").FullName;
        Assert.True(Sh($"mount -t tmpfs -o size=64k,ro tmpfs '{mount}'"), "root could not mount a read-only tmpfs");
        try
        {
            var (code, err) = TestData.RunCli("generate", "--model", TestData.TinyModel, "--per-class", "1", "--steps", "2", "--device", "cpu",
                "--out", Path.Combine(mount, "out"));
            var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("notice:", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, code);
            Assert.Single(lines);
            Assert.Contains($"--out {Path.Combine(mount, "out")}: cannot create folder", lines[0]);
            Assert.Empty(Directory.GetFileSystemEntries(mount));
        }
        finally
        {
            Sh($"umount '{mount}'");
        }
    }
}
