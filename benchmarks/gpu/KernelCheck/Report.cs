namespace KernelCheck;

/// <summary>PASS / FAIL / SKIP / TIME lines on stdout and in kernel-check.txt under the output folder, with a count.</summary>
internal sealed class Report(string? outDir)
{
    private readonly List<string> _lines = [];

    public int Passed { get; private set; }

    public int Failed { get; private set; }

    public void Line(string text)
    {
        Console.WriteLine(text);
        _lines.Add(text);
    }

    public void Check(bool ok, string text)
    {
        Line((ok ? "PASS " : "FAIL ") + text);
        if (ok) Passed++; else Failed++;
    }

    public void Save()
    {
        Line($"kernel-check: {Passed} passed, {Failed} failed");
        if (outDir is null)
            return;
        Directory.CreateDirectory(outDir);
        File.WriteAllLines(Path.Combine(outDir, "kernel-check.txt"), _lines);
    }
}
