using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Tests.Schedules;

public class ConfigWarningsTests
{
    // Messages are unique per test: the set of messages seen is per process and other tests share it.
    private static string Unique(string what) => $"{what} {Guid.NewGuid():N}";

    [Fact]
    public void TrueOnlyTheFirstTime()
    {
        string m = Unique("s.json: unknown key 'x' ignored");
        Assert.True(ConfigWarnings.Once(m));
        Assert.False(ConfigWarnings.Once(m));
        Assert.False(ConfigWarnings.Once(m));
    }

    [Fact]
    public void MessagesAreComparedExactly()
    {
        string m = Unique("s.json: unknown key 'x' ignored");
        Assert.True(ConfigWarnings.Once(m));
        Assert.True(ConfigWarnings.Once(m.ToUpperInvariant()));
        Assert.True(ConfigWarnings.Once(m + " "));
        Assert.False(ConfigWarnings.Once(string.Concat(m.AsSpan(0, 3), m.AsSpan(3))));
    }

    [Fact]
    public void OneCallerWinsWhenManyThreadsRace()
    {
        string m = Unique("race");
        int wins = 0;
        using var start = new Barrier(16);
        var threads = Enumerable.Range(0, 16).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 100; i++)
                if (ConfigWarnings.Once(m))
                    Interlocked.Increment(ref wins);
        })).ToArray();
        foreach (var t in threads)
            t.Start();
        foreach (var t in threads)
            t.Join();
        Assert.Equal(1, wins);
    }

    [Fact]
    public void WarningsOfAParsedConfigAreToldOnceAcrossReads()
    {
        string source = Unique("once") + ".json";
        int told = 0;
        for (int i = 0; i < 3; i++)
            foreach (var w in SchedulerConfig.Parse("""{"flux_capacitor": 1.21}""", source).Warnings)
                if (ConfigWarnings.Once(w))
                    told++;
        Assert.Equal(1, told);
    }

    [Fact]
    public void NullIsRefused() => Assert.Throws<ArgumentNullException>(() => ConfigWarnings.Once(null!));
}
