using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Tests.Schedules;

public class TimestepsTests
{
    private static int[] For(TimestepSpacing spacing, int n, int offset = 0) =>
        Timesteps.For(new SchedulerConfig { TimestepSpacing = spacing, StepsOffset = offset }, n);

    [Fact]
    public void LeadingAt1000x50()
    {
        var expected = Enumerable.Range(0, 50).Select(i => 980 - 20 * i).ToArray();
        Assert.Equal(expected, For(TimestepSpacing.Leading, 50));
    }

    [Fact]
    public void LeadingAddsStepsOffset()
    {
        var ts = For(TimestepSpacing.Leading, 50, offset: 1);
        Assert.Equal(981, ts[0]);
        Assert.Equal(1, ts[^1]);
    }

    [Fact]
    public void TrailingAt1000x50()
    {
        var expected = Enumerable.Range(0, 50).Select(i => 999 - 20 * i).ToArray();
        Assert.Equal(expected, For(TimestepSpacing.Trailing, 50));
    }

    [Fact]
    public void LinspaceAt1000x50()
    {
        var ts = For(TimestepSpacing.Linspace, 50);
        Assert.Equal(50, ts.Length);
        Assert.Equal(new[] { 999, 979, 958 }, ts[..3]);
        Assert.Equal(new[] { 20, 0 }, ts[^2..]);
        // Independent check in exact rational arithmetic: round-half-even of 999·j/49.
        for (int j = 0; j < 50; j++)
        {
            decimal v = 999m * j / 49m;
            Assert.Equal((int)Math.Round(v, MidpointRounding.ToEven), ts[49 - j]);
        }
    }

    [Theory]
    [InlineData(0.25, 220, 12)]
    [InlineData(0.5, 480, 25)]
    [InlineData(0.75, 720, 37)]
    [InlineData(1.0, 980, 50)]
    public void StrengthSelectsTheTail(double strength, int firstT, int count)
    {
        var run = Timesteps.ForStrength(For(TimestepSpacing.Leading, 50), strength);
        Assert.Equal(count, run.Length);
        Assert.Equal(firstT, run[0]);
        Assert.Equal(0, run[^1]);
    }

    [Fact]
    public void StrengthZeroRunsNothing() =>
        Assert.Empty(Timesteps.ForStrength(For(TimestepSpacing.Leading, 50), 0));

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void StrengthOutsideUnitIntervalIsRejected(double s)
    {
        var ex = Assert.Throws<ConfigException>(() => Timesteps.ForStrength(new[] { 1, 0 }, s));
        Assert.Contains("strength", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void StepsOutOfRangeAreRejected(int n)
    {
        var ex = Assert.Throws<ConfigException>(() => For(TimestepSpacing.Leading, n));
        Assert.Contains("steps", ex.Message);
    }

    [Fact]
    public void PreviousComesFromTheListNotFromTMinusRatio()
    {
        // Linspace steps are uneven (979 → 958 is 21), so t − T/N would be wrong here.
        var ts = For(TimestepSpacing.Linspace, 50);
        Assert.Equal(958, Timesteps.Previous(ts, 1));
        Assert.Equal(-1, Timesteps.Previous(ts, 49));
    }
}
