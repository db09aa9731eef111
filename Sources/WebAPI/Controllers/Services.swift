import CallCenter

/// The domain services the routes call, built once in `WebApp.build`.
struct Services: Sendable {
    let repos: Repositories
    let accounts: AccountService
    let departments: DepartmentService
    let roles: RoleService
    let users: UserService
    let settings: SettingsService
    let extensions: ExtensionService
    let customers: CustomerService
    let records: CRMRecordService
    let calls: CallRecordService
    let audit: AuditTrail
    let policy: SessionPolicy
    /// The SIP side's caches, told when an extension or its user binding changes.
    let sip: any SIPSecurityMonitor
}
