// The small fixed collection the search fuzz targets index (shared by QueryFuzz and
// IndexFuzz; compiled into the TomeSearch module by Tests/Fuzz/build.sh).
enum FuzzCorpus {
    static let documents: [SearchDocument] = [
        SearchDocument(url: "/permits/apply/", pageURL: "/permits/apply/", pageTitle: "Apply for a parking permit",
                       text: "Residents apply for a parking permit online. Permits cost 40 EUR per year; version 2.4.1 adds LPR.",
                       tags: ["permits", "billing"], book: "permits", bookTitle: "Parking Permits"),
        SearchDocument(url: "/permits/apply/#after-hours", pageURL: "/permits/apply/", pageTitle: "Apply for a parking permit",
                       heading: "After hours", headingPath: ["After hours"],
                       text: "Out of hours support: call +1 555 0100 or write to support@ops-com.com.",
                       tags: ["permits", "billing"], book: "permits", bookTitle: "Parking Permits"),
        SearchDocument(url: "/faq/support/#refunds", pageURL: "/faq/support/", pageTitle: "Support FAQ", heading: "Can I get a refund?",
                       headingPath: ["Can I get a refund?"], text: "Refunds are paid within 14 days. Licence plate recognition errors are refunded in full.",
                       tags: ["billing"], book: "faq", bookTitle: "FAQ", type: "faq", boost: 2),
        SearchDocument(url: "/security/incidents/", pageURL: "/security/incidents/", pageTitle: "Security incidents café",
                       text: "Report an incident <script>alert(1)</script> with the lpr-200 camera's ID. Ünïcödé façade naïve.",
                       tags: ["security"], book: "security", bookTitle: "Security"),
    ]
}
