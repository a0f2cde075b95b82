using System.Diagnostics;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>
/// A merge whose disk fills part way stops with one line and no .partial file, and the same command, once there is
/// room, finishes it to the bytes of an uninterrupted merge (it used to refuse its own half-filled folder as not new).
/// </summary>
[Collection("console")]
public class MergeDiskFullTests
{
    private static void Sh(string command)
    {
        var psi = new ProcessStartInfo("sh", ["-c", command]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{command}: {err}");
    }

    private static void Ok(params string[] args)
    {
        var (code, err) = TestData.RunCli(args);
        Assert.True(code == 0, $"exit {code}: {err}");
    }

    [RootFact]
    public void AFullDiskStopsTheMergeWithOneLineAndTheSameCommandFinishesIt()
    {
        string[] gen = ["generate", "--model", TestData.TinyModel, "--per-class", "4", "--steps", "2", "--device", "cpu"];
        string s0 = TestData.NewDir("full-s0"), s1 = TestData.NewDir("full-s1"), clean = TestData.NewDir("full-clean");
        Ok([.. gen, "--out", s0, "--shard", "0/2"]);
        Ok([.. gen, "--out", s1, "--shard", "1/2"]);
        Ok("merge", "--out", clean, s0, s1);

        string mount = Directory.CreateTempSubdirectory("merge-tmpfs").FullName;
        // tmpfs gives every file a 4 KiB page: 40 KiB holds the recipe and a few of the 40 images.
        Sh($"mount -t tmpfs -o size=40k tmpfs '{mount}'");
        try
        {
            string outDir = Path.Combine(mount, "merged");
            var (code, err) = TestData.RunCli("merge", "--out", outDir, s0, s1);
            var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(code == 2, $"exit {code}: {err}");
            Assert.Single(lines);
            Assert.Contains("cannot write", lines[0]);
            Assert.Contains(mount, lines[0]);
            Assert.Empty(Directory.GetFiles(mount, "*" + AtomicFile.TempSuffix, SearchOption.AllDirectories));
            Assert.False(File.Exists(Path.Combine(outDir, "manifest.jsonl")));

            Sh($"mount -o remount,size=4m '{mount}'");
            Ok("merge", "--out", outDir, s0, s1);
            Assert.Equal(TestData.Pngs(clean), TestData.Pngs(outDir));
            Assert.Equal(File.ReadAllText(Path.Combine(clean, "manifest.jsonl")), File.ReadAllText(Path.Combine(outDir, "manifest.jsonl")));
            Assert.Equal(File.ReadAllBytes(Path.Combine(clean, "grid.png")), File.ReadAllBytes(Path.Combine(outDir, "grid.png")));
        }
        finally
        {
            Sh($"umount '{mount}'");
        }
    }
}
