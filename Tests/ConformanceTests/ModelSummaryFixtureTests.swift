import Fixtures
import Report
import Testing

/// The notebook prints `torchinfo.summary(R, (2, 20, 28))`: its model has 821,770 parameters.
@Suite struct ModelSummaryFixtureTests {
    @Test func theNotebookModelInTheFixtureHas821770Parameters() throws {
        let path = FixtureCatalog.packageRoot.appendingPathComponent("fixtures/lstm.h5").path
        let fixture = try FixtureLoader.loadCase("shape_demo_forward", from: path)
        let text = try #require(try ConformanceRunner.summary(of: fixture))
        #expect(text.contains("Total params: 821,770"))
        #expect(text.contains("├─LSTM: 1-1") && text.contains("[3, 10, 256]") && text.contains("819,200"))
        #expect(text.contains("├─Linear: 1-2") && text.contains("[3, 1, 10]") && text.contains("2,570"))
    }

    @Test func aReplayWithoutASummaryGivesNone() throws {
        let path = FixtureCatalog.packageRoot.appendingPathComponent("fixtures/lstm.h5").path
        #expect(try ConformanceRunner.summary(of: try FixtureLoader.loadCase("shape_demo_rnn", from: path)) == nil)
    }
}
