/*
*This is auto generated from the ControlManifest.Input.xml file
*/

// Define IInputs and IOutputs Type. They should match with ControlManifest.
export interface IInputs {
    statusColumn: ComponentFramework.PropertyTypes.StringProperty;
    customerTenantId: ComponentFramework.PropertyTypes.StringProperty;
    EventName: ComponentFramework.PropertyTypes.StringProperty;
}
export interface IOutputs {
    statusColumn?: string;
    customerTenantId?: string;
    EventName?: string;
}
